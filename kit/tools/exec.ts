// `npm run exec`: a new process in a running container, as `docker exec` and
// `nsenter --all --fork` make one. The shim clones a child with no new
// namespaces; paused, the host puts it in the container's cgroups; released,
// it setns()es into each of the container's namespaces (files opened by the
// kit beforehand: after joining the mount namespace, /proc/PID of the host is
// out of sight), forks (setns(CLONE_NEWPID) only moves children) and execs.

import fs from 'node:fs';
import path from 'node:path';
import { hostCgroupsOf } from '../host/cgroup/index.ts';
import type { RunningRun, NamespaceName } from '../host/containers.ts';
import { NAMESPACES } from '../host/containers.ts';
import { DEFAULT_ENV } from '../core/lifecycle.ts';
import { loadShim } from '../core/native.ts';
import { CAPABILITIES, lastCap, type CapName } from '../core/caps.ts';
import { procStatus } from '../host/proc-status.ts';
import { capset, fork, prctl, setgroups, setns, setresgid, setresuid, type ChildOp } from '../core/ops.ts';
import { spawnPaused } from '../core/spawn.ts';
import type { ExitStatus } from '../core/reaper.ts';
import type { CloneFlagName } from '../core/types.ts';

const FLAG: Record<NamespaceName, CloneFlagName> = {
  ipc: 'CLONE_NEWIPC',
  uts: 'CLONE_NEWUTS',
  net: 'CLONE_NEWNET',
  cgroup: 'CLONE_NEWCGROUP',
  pid: 'CLONE_NEWPID',
  mnt: 'CLONE_NEWNS',
  user: 'CLONE_NEWUSER',
};

export interface ExecOptions {
  argv: string[];
  /** fds for stdin, stdout, stderr (default: the kit's own) */
  stdio?: [number?, number?, number?];
  /** an interactive shell on this terminal */
  foreground?: boolean;
}

/**
 * The order matters. nsenter joins the user namespace first, because its
 * containers' other namespaces usually belong to it. Ours do not (step 6
 * enters its user namespace after making the others, as the host's root), so
 * the kit joins the user namespace last: before it, the child is still the
 * host's root, allowed to join the rest; after it, it has no power left over
 * them. The mount namespace comes after pid and net (it moves the root and the
 * cwd to the container's /).
 */
export function joinOps(run: RunningRun, fds: Map<NamespaceName, number>, limits?: ProcessLimits): ChildOp[] {
  const ops: ChildOp[] = [];
  for (const ns of NAMESPACES) {
    const fd = fds.get(ns);
    if (fd !== undefined) ops.push(setns(fd, FLAG[ns]));
  }
  // in a user namespace the host's root is unmapped: become its root, as step 6 does
  if (fds.has('user')) ops.push(setgroups([]), setresgid(0, 0, 0), setresuid(0, 0, 0));
  // no more than the container's first process may do (step 7): its capability
  // sets and no_new_privs (its seccomp filter cannot be read back without ptrace)
  if (limits) {
    for (let cap = 0; cap <= lastCap(); cap++) if (!(limits.bounding & (1n << BigInt(cap)))) ops.push(prctl('PR_CAPBSET_DROP', cap));
    ops.push(prctl('PR_CAP_AMBIENT', 'PR_CAP_AMBIENT_CLEAR_ALL', 0, 0));
    ops.push(capset(names(limits.effective), names(limits.permitted), names(limits.inheritable)));
    if (limits.noNewPrivs) ops.push(prctl('PR_SET_NO_NEW_PRIVS', 1, 0, 0));
  }
  // the exec'd process must be a child, to be inside the PID namespace
  ops.push(fork());
  return ops;
}

/** What /proc/PID/status says the container's first process may do. */
export interface ProcessLimits {
  bounding: bigint;
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
  noNewPrivs: boolean;
}

const names = (mask: bigint): CapName[] => CAPABILITIES.filter((_, i) => mask & (1n << BigInt(i)));

/** Limits worth copying: only when the container dropped something (step 7). */
export function processLimits(pid: number): ProcessLimits | undefined {
  const status = procStatus(pid);
  const mask = (name: string) => BigInt(`0x${status[name] || '0'}`);
  const all = (1n << BigInt(lastCap() + 1)) - 1n;
  const limits = {
    bounding: mask('CapBnd'),
    effective: mask('CapEff'),
    permitted: mask('CapPrm'),
    inheritable: mask('CapInh'),
    noNewPrivs: status.NoNewPrivs === '1',
  };
  return limits.bounding === all && !limits.noNewPrivs ? undefined : limits;
}

export interface ExecProcess {
  /** the kit's child: it waits for the command, which is its only child, inside the PID namespace */
  pid: number;
  exited: Promise<ExitStatus>;
}

/** Start `o.argv` in the container; resolves once it has been exec'd. */
export async function startExec(run: RunningRun, o: ExecOptions): Promise<ExecProcess> {
  const fds = new Map<NamespaceName, number>();
  try {
    for (const ns of NAMESPACES) {
      if (run.namespaces[ns] !== undefined) fds.set(ns, fs.openSync(`/proc/${run.container.pid}/ns/${ns}`, 'r'));
    }
    const cgroups = hostCgroupsOf(run.container.pid);
    const mine = hostCgroupsOf(process.pid);
    const child = spawnPaused({
      cloneFlags: [],
      ops: joinOps(run, fds, processLimits(run.container.pid)),
      argv: o.argv,
      env: { ...DEFAULT_ENV, ...(process.env.TERM ? { TERM: process.env.TERM } : {}) },
      stdio: o.stdio,
      foreground: o.foreground,
    });
    try {
      // paused: into the container's cgroups (each hierarchy's directory once)
      const dirs = new Set(
        Object.entries(cgroups?.dirs ?? {})
          .filter(([c, d]) => mine?.dirs[c] !== d)
          .map(([, d]) => d),
      );
      for (const dir of dirs) fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(child.pid));
      await child.release();
    } catch (err) {
      child.abort();
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // gone
      }
      await child.exited;
      throw err;
    }
    return { pid: child.pid, exited: child.exited };
  } finally {
    // the child has its copies (closed at its exec)
    for (const fd of fds.values()) fs.closeSync(fd);
  }
}

export async function execInContainer(run: RunningRun, o: ExecOptions): Promise<ExitStatus> {
  const p = await startExec(run, o);
  const status = await p.exited;
  if (o.foreground) loadShim().takeTerminal(0);
  return status;
}
