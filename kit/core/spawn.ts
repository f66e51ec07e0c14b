// Spawning the container's first process through the shim: clone (paused),
// release, and reap. The kit owns the child; libuv does not know about it, so
// the kit reaps it itself (reaper.ts).

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { KitError } from './errors.ts';
import { errnoHint, errnoName } from './errno.ts';
import { loadShim, type NativeOp } from './native.ts';
import { describeOp, type ChildOp } from './ops.ts';
import { waitForExit, type ExitStatus } from './reaper.ts';
import { capMask } from './caps.ts';
import { encodeFilter } from './seccomp.ts';
import { openHostSyncs, type HostSyncs } from './host-sync.ts';
import { currentTracer, type Tracer } from './tracer.ts';
import type { CloneFlagName } from './types.ts';

/** A child operation (or the execve) failed inside the container. */
export class ChildOpError extends KitError {
  constructor(
    readonly op: ChildOp | 'execve',
    readonly errno: string,
    readonly call: string,
    hint: string | undefined,
    where: string | undefined,
  ) {
    super(`${call} failed in the container: ${errno}${where ? ` (built at ${where})` : ''}`, {
      hint: hint ?? `See man 2 ${op === 'execve' ? 'execve' : op.op} for ${errno}.`,
      page: '/guide/troubleshooting#child-operations',
    });
    this.name = 'ChildOpError';
  }
}

export function toNativeOp(op: ChildOp, constant: (name: string) => number, syncs?: HostSyncs): NativeOp {
  const kind = constant(`CW_${op.op.toUpperCase()}`);
  const flags = (names: string[]) => names.reduce((acc, n) => acc | constant(n), 0);
  const s: (string | null)[] = [null, null, null, null];
  const n = [0, 0, 0, 0];
  switch (op.op) {
    case 'sethostname':
    case 'setdomainname':
      s[0] = op.name;
      break;
    case 'mount':
      [s[0], s[1], s[2], s[3]] = [op.source, op.target, op.fstype, op.data];
      n[0] = flags(op.flags);
      break;
    case 'umount2':
      s[0] = op.target;
      n[0] = flags(op.flags);
      break;
    case 'pivot_root':
      [s[0], s[1]] = [op.newRoot, op.putOld];
      break;
    case 'chroot':
    case 'chdir':
    case 'rmdir':
      s[0] = op.path;
      break;
    case 'mkdir':
      s[0] = op.path;
      n[0] = op.mode;
      break;
    case 'mknod':
      s[0] = op.path;
      [n[0], n[1], n[2], n[3]] = [constant(op.type), op.mode, op.major, op.minor];
      break;
    case 'symlink':
      [s[0], s[1]] = [op.target, op.linkpath];
      break;
    case 'write_file':
      [s[0], s[1]] = [op.path, op.content];
      break;
    case 'unshare':
      n[0] = flags(op.flags);
      break;
    case 'wait_for_host': {
      const fds = syncs?.fdsFor(op);
      if (!fds) throw new Error('wait_for_host needs the host side of its pipes (spawnPaused makes them)');
      [n[0], n[1]] = fds;
      break;
    }
    case 'setgroups':
      if (op.groups.length)
        throw new KitError('setgroups: the shim only supports the empty list (drop every supplementary group).', {
          page: '/steps/06-user#uid-map',
        });
      break;
    case 'setresgid':
      [n[0], n[1], n[2]] = [op.rgid, op.egid, op.sgid];
      break;
    case 'setresuid':
      [n[0], n[1], n[2]] = [op.ruid, op.euid, op.suid];
      break;
    case 'chown':
      s[0] = op.path;
      [n[0], n[1]] = [op.owner, op.group];
      break;
    case 'setns':
      [n[0], n[1]] = [op.fd, constant(op.nstype)];
      break;
    case 'fork':
      break;
    case 'prctl':
      n[0] = constant(op.option);
      op.args.slice(0, 3).forEach((a, i) => (n[i + 1] = typeof a === 'number' ? a : constant(a)));
      break;
    case 'capset':
      // masks up to bit 63 are exact in a double only below 2^53: capabilities end at 40
      [n[0], n[1], n[2]] = [op.effective, op.permitted, op.inheritable].map((c) => Number(capMask(c)));
      break;
    case 'seccomp':
      s[0] = encodeFilter(op.filter);
      break;
  }
  return { kind, s, n };
}

export interface SpawnRequest {
  cloneFlags: Iterable<CloneFlagName>;
  ops: ChildOp[];
  argv: string[];
  env: Record<string, string>;
  /** fds for the child's stdin, stdout, stderr; undefined = the kit's own */
  stdio?: [number?, number?, number?];
  /** an interactive shell: it gets its own process group and the terminal */
  foreground?: boolean;
  /** host work while the child waits at a wait_for_host(label) op */
  onWait?: (label: string) => Promise<void>;
}

export interface PausedProcess {
  readonly pid: number;
  /** Let the child run its operations and exec; rejects with ChildOpError. */
  release(): Promise<void>;
  /** Close the sync pipe without releasing: the child exits with 126. */
  abort(): void;
  readonly exited: Promise<ExitStatus>;
}

/** One record of the shim's report pipe (struct cw_report in native/shim.c). */
export interface OpReport {
  /** the op's index; ops.length = the execve; -1 = setting up stdio */
  index: number;
  /** 0, or the errno of the failure (the last record) */
  errno: number;
  /** CLOCK_MONOTONIC in the child when it happened */
  ns: bigint;
}

const REPORT_SIZE = 16;

export function parseReports(bytes: Buffer): OpReport[] {
  const le = os.endianness() === 'LE';
  const out: OpReport[] = [];
  for (let o = 0; o + REPORT_SIZE <= bytes.length; o += REPORT_SIZE) {
    out.push({
      index: le ? bytes.readInt32LE(o) : bytes.readInt32BE(o),
      errno: le ? bytes.readInt32LE(o + 4) : bytes.readInt32BE(o + 4),
      ns: le ? bytes.readBigInt64LE(o + 8) : bytes.readBigInt64BE(o + 8),
    });
  }
  return out;
}

export function spawnPaused(req: SpawnRequest): PausedProcess {
  const shim = loadShim();
  const flags = [...req.cloneFlags].reduce((acc, f) => acc | shim.constant(f), 0);
  const syncs = openHostSyncs(req.ops);
  let nativeOps: NativeOp[];
  try {
    nativeOps = req.ops.map((op) => toNativeOp(op, shim.constant, syncs));
  } catch (err) {
    syncs.closeAll();
    throw err;
  }
  const envp = Object.entries(req.env).map(([k, v]) => `${k}=${v}`);
  const fds = new Int32Array(2);
  const stdio = Int32Array.from([0, 1, 2], (i) => req.stdio?.[i] ?? -1);
  const pid = shim.spawn(flags, nativeOps, req.argv, envp, stdio, req.foreground === true, fds);
  // the child has its own copies now: keep only the host's ends
  syncs.closeChildEnds();
  const shown = [...req.cloneFlags].join(' | ') || '0';
  currentTracer()?.add('lifecycle', `clone(${shown})`, pid < 0 ? errnoName(-pid) : `pid ${pid}`, pid > 0);
  if (pid < 0) {
    syncs.closeAll();
    const name = errnoName(-pid);
    throw new KitError(`clone(${[...req.cloneFlags].join(' | ') || '0'}) failed: ${name}`, {
      hint: errnoHint('clone', name),
      page: '/guide/troubleshooting#clone',
    });
  }
  const [syncFd, errFd] = [fds[0], fds[1]];
  const exited = waitForExit(pid);
  let syncOpen = true;
  const closeSync = () => {
    if (syncOpen) fs.closeSync(syncFd);
    syncOpen = false;
  };
  // Start reading the report pipe now; it ends at exec (close-on-exec) or child exit.
  // Each operation goes to the trace as soon as its record arrives (before the
  // command's own output, mostly); the execve's outcome is known only at EOF.
  const tracer = currentTracer();
  let received = Buffer.alloc(0);
  const report = readAll(errFd, (chunk) => {
    const from = Math.floor(received.length / REPORT_SIZE);
    received = Buffer.concat([received, chunk]);
    if (tracer) for (const r of parseReports(received).slice(from)) if (isOp(req, r)) traceReport(tracer, req, r);
  });

  return {
    pid,
    exited,
    abort: () => {
      closeSync();
      syncs.closeAll();
      void report.catch(() => undefined);
    },
    async release() {
      fs.writeSync(syncFd, Buffer.from([1]));
      closeSync();
      // the child may stop at wait_for_host ops: answer each (uid_map ...) while it waits
      const served = syncs.serve(req.onWait).then(
        () => undefined,
        (e: unknown) => e,
      );
      const reports = parseReports(await report);
      const hostError = await served;
      if (tracer) traceExec(tracer, req, reports);
      if (hostError) throw hostError;
      const failed = reports.find((r) => r.errno !== 0);
      // EOF without a failure: execve succeeded (close-on-exec closed the pipe)
      if (failed) throw opFailure(req, failed.index, failed.errno);
    },
  };
}

const isOp = (req: SpawnRequest, r: OpReport): boolean => r.index >= 0 && r.index < req.ops.length;

/** One syscall the child made, with its result, on the run's timeline. */
function traceReport(tracer: Tracer, req: SpawnRequest, r: OpReport): void {
  const result = r.errno === 0 ? '0' : errnoName(r.errno);
  const t = tracer.ms(r.ns);
  if (r.index < 0) tracer.add('syscall', 'dup2(stdio)', result, false, { t });
  else if (r.index >= req.ops.length) tracer.add('syscall', describeExec(req.argv), result, r.errno === 0, { t });
  else tracer.add('syscall', describeOp(req.ops[r.index]), result, r.errno === 0, { t, origin: req.ops[r.index].origin });
}

/** At EOF: the execve (reported when tried, and again if it failed: keep the outcome) or a stdio failure. */
function traceExec(tracer: Tracer, req: SpawnRequest, reports: OpReport[]): void {
  const rest = reports.filter((r) => !isOp(req, r));
  const failed = rest.some((r) => r.errno !== 0);
  for (const r of rest) if (!(failed && r.errno === 0)) traceReport(tracer, req, r);
}

const describeExec = (argv: string[]): string => `execve(${JSON.stringify(argv[0])}, ${JSON.stringify(argv)})`;

function opFailure(req: SpawnRequest, index: number, errno: number): ChildOpError {
  const name = errnoName(errno);
  if (index < 0) return new ChildOpError('execve', name, 'dup2(stdio)', undefined, undefined);
  if (index >= req.ops.length) {
    return new ChildOpError('execve', name, `execve(${JSON.stringify(req.argv[0])})`, errnoHint('execve', name), undefined);
  }
  const op = req.ops[index];
  const where = op.origin ? `${op.origin.file}:${op.origin.line}` : undefined;
  return new ChildOpError(op, name, describeOp(op), errnoHint(op.op, name), where);
}

/** Read a pipe to EOF without blocking a libuv pool thread. */
function readAll(fd: number, onChunk?: (c: Buffer) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = new net.Socket({ fd, readable: true, writable: false });
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      onChunk?.(c);
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(Buffer.concat(chunks)));
  });
}
