// Check of step 1: from the host, is the probe really PID 1 of its own PID
// namespace, with its own /proc, hostname, UTS and IPC namespaces?

import fs from 'node:fs';
import { type AssertionSpec, defineCheck, eventually, hostHostname, namespaceId, pidsInNamespace } from '../kit/check.ts';

const page = '/steps/01-pid';

export const assertions: AssertionSpec[] = [
  {
    id: 'pid1',
    name: 'the probe sees itself as PID 1',
    points: 2,
    page: `${page}#pid-1`,
    hint: 'The first process of a new PID namespace is its PID 1: ask clone() for CLONE_NEWPID.',
  },
  {
    id: 'pidns',
    name: "its PID namespace differs from the host's (/proc/PID/ns/pid)",
    points: 2,
    page: `${page}#pid-1`,
    hint: 'Add CLONE_NEWPID to the clone flags.',
  },
  {
    id: 'proc',
    name: "/proc inside lists only the container's processes",
    points: 2,
    page: `${page}#its-own-proc`,
    hint: 'A new PID namespace keeps the old /proc until you mount a fresh procfs on /proc (in a mount namespace of its own, CLONE_NEWNS).',
  },
  {
    id: 'hostname',
    name: 'the hostname inside is the one asked for',
    points: 1,
    page: `${page}#its-own-hostname`,
    hint: 'sethostname() in the child, with the hostname option.',
  },
  {
    id: 'host-hostname',
    name: "the host's hostname is unchanged",
    points: 2,
    page: `${page}#its-own-hostname`,
    hint: 'Without CLONE_NEWUTS, sethostname() renames the host: ask for a UTS namespace.',
  },
  {
    id: 'utsns',
    name: "its UTS namespace differs from the host's",
    points: 1,
    page: `${page}#uts-and-ipc`,
    hint: 'Add CLONE_NEWUTS to the clone flags.',
  },
  {
    id: 'ipcns',
    name: "its IPC namespace differs from the host's",
    points: 1,
    page: `${page}#uts-and-ipc`,
    hint: 'Add CLONE_NEWIPC to the clone flags.',
  },
  {
    id: 'no-leftovers',
    name: 'no process of the container is left after it exits',
    points: 1,
    page: `${page}#pid-1`,
    hint: 'When PID 1 of a PID namespace dies, the kernel kills the rest; without CLONE_NEWPID, children can outlive the container.',
  },
];

// The probe prints what it sees, then waits to be inspected and stopped.
// Shell builtins where a file answers as well as a command (each command started in the container
// costs a fork and an exec); the hostname comes from uname(2) through `hostname`, not from
// /proc/sys/kernel/hostname, a file a step could bind-mount over with the name it was given.
const PROBE = [
  'echo "pid=$$"',
  'echo "hostname=$(hostname)"',
  'echo "self=$(cd -P /proc/self && p=$(pwd) && echo ${p#/proc/})"',
  'set -- /proc/[0-9]*; [ -e "$1" ] || set --; echo "procs=$#"',
  'echo ready',
  'exec sleep 120',
].join('; ');

export default defineCheck({
  step: 1,
  title: 'PID namespace: PID 1, its own /proc and hostname',
  page,
  assertions,
  async run(t) {
    const hostnameBefore = hostHostname();
    const hostname = t.random.name('cw');
    t.defer(() => {
      // a mutant without CLONE_NEWUTS renames the host: put its name back
      if (hostHostname() !== hostnameBefore) hostHostnameRestore(hostnameBefore);
    });

    const probe = await t.start({ argv: ['sh', '-c', PROBE], options: { hostname } });
    await probe.waitFor(/^ready$/m);
    const seen = probe.values();

    t.expect('pid1', seen.pid === '1', { expected: 'pid=1', seen: `pid=${seen.pid}` });
    const hostPid = namespaceId('self', 'pid');
    const childPid = namespaceId(probe.pid, 'pid');
    t.expect('pidns', childPid !== undefined && childPid !== hostPid, { expected: `not ${hostPid}`, seen: String(childPid) });

    // With its own procfs, /proc/self names a pid of the container's namespace
    // (small), and only a handful of processes are listed.
    const procs = Number(seen.procs);
    const self = Number(seen.self);
    t.expect('proc', procs > 0 && procs <= 5 && self > 0 && self < 20, {
      expected: 'at most 5 processes in /proc, /proc/self a container pid',
      seen: `${seen.procs} processes, /proc/self -> ${seen.self}`,
    });

    t.expect('hostname', seen.hostname === hostname, { expected: hostname, seen: seen.hostname });
    const hostNow = hostHostname();
    t.expect('host-hostname', hostNow === hostnameBefore, { expected: hostnameBefore, seen: hostNow });
    for (const ns of ['uts', 'ipc'] as const) {
      const host = namespaceId('self', ns);
      const child = namespaceId(probe.pid, ns);
      t.expect(`${ns}ns`, child !== undefined && child !== host, { expected: `not ${host}`, seen: String(child) });
    }

    // After exit: nothing of the container left. Without its own PID namespace
    // the probe's namespace *is* the host's, so look for its children instead.
    const leftover = childPid && childPid !== hostPid ? () => pidsInNamespace('pid', childPid) : () => childrenOf(probe.pid);
    await probe.stop();
    await probe.teardown();
    const clean = await eventually(() => leftover().length === 0, 2000);
    t.expect('no-leftovers', clean, { expected: 'no process', seen: clean ? 'none' : `pids ${leftover().join(' ')}` });
  },
});

function hostHostnameRestore(name: string): void {
  fs.writeFileSync('/proc/sys/kernel/hostname', name);
}

function childrenOf(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
