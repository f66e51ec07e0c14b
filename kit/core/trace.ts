// The trace of one container run: everything that built it and tore it down,
// in order (host commands, files written under /sys/fs/cgroup, the shim's
// syscalls with their results). `npm run step N -- --trace` prints it, and
// every run keeps its last trace in state/traces/step-N.jsonl (one JSON
// event a line) for the report, which quotes it as "the steps I performed".
//
// This file is the contract between the writer (the lifecycle, the student
// API's `$`, the cgroup writes, the shim) and its readers (the CLI's --trace
// printer, the report).

import fs from 'node:fs';
import path from 'node:path';

export type TracePhase = 'prepare' | 'configure' | 'spawn' | 'setup' | 'release' | 'wait' | 'teardown';

export type TraceKind =
  /** a host command (zx `$`, `ip`, losetup, mkfs ...): `what` is the command line, `result` its exit status */
  | 'command'
  /** a file written by the kit or the student under /sys/fs/cgroup: `what` is `PATH <- VALUE` (`PATH <<- VALUE` appended, `mkdir PATH`, `rmdir PATH`), `result` "0" or the error code */
  | 'cgroup-write'
  /** a syscall the shim ran in the child: `what` is `mount("proc", "/proc", "proc", ...)`, `result` "0" or the errno name */
  | 'syscall'
  /** clone() (`result` "pid N") and the other milestones of the lifecycle: start, failure, exit, teardown */
  | 'lifecycle';

export interface TraceEvent {
  /** milliseconds since the run started */
  t: number;
  phase: TracePhase;
  kind: TraceKind;
  what: string;
  /** exit status, return value or errno name */
  result: string;
  ok: boolean;
  /** the step file's line that asked for it: `steps/02-mount.ts:41`; absent for the kit's own work */
  origin?: string;
}

/** Where the last trace of step N's container is kept. */
export function traceFile(stateDir: string, step: number): string {
  return path.join(stateDir, 'traces', `step-${step}.jsonl`);
}

/** The last recorded trace of step N, or undefined when it never ran. */
export function readLastTrace(stateDir: string, step: number): TraceEvent[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(traceFile(stateDir, step), 'utf8');
  } catch {
    return undefined;
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TraceEvent);
}

const KIND_LABEL: Record<TraceKind, string> = { command: 'command', 'cgroup-write': 'cgroup', syscall: 'syscall', lifecycle: '' };

/**
 * One line a person can read, the same for the CLI and the report:
 * `+  12.345 ms  prepare   command  losetup --find --show ... -> 0   steps/02-mount.ts:41`
 */
export function formatTraceEvent(e: TraceEvent): string {
  const t = `+${e.t.toFixed(3).padStart(9)} ms`;
  const kind = KIND_LABEL[e.kind].padEnd(7);
  const result = e.result === '' ? '' : ` -> ${e.result}`;
  const origin = e.origin ? `   ${e.origin}` : '';
  return `${t}  ${e.phase.padEnd(9)} ${kind} ${e.what}${result}${origin}`;
}
