// The trace writer: records what one container run did, in order, for
// `npm run step N -- --trace` and for the report (contract: trace.ts).
//
// A run's Tracer is the current one for everything that runs on its behalf
// (AsyncLocalStorage), so two containers started by one process keep two
// traces. Three kinds of sources report to it:
// - host commands: zx's `$` (shell.ts hooks zx's log), the kit's exec() and
//   its `ip -batch` lines, through traceCommand();
// - files written under /sys/fs/cgroup, by the kit or by a step's plain
//   fs.writeFileSync alike: node:fs's write, append, mkdir and rmdir are
//   wrapped once (the wrapper costs one getStore() for a write outside a run);
// - the shim's per-operation reports (spawn.ts) and the lifecycle's milestones.
//
// Cheap enough to leave on: events are kept in memory and written once at
// teardown; the only stack walk is for a command or a cgroup write, to mark
// the step file's line that made it (origin.ts).

import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { directCaller, type SourceLocation } from './origin.ts';
import { traceFile, type TraceEvent, type TraceKind, type TracePhase } from './trace.ts';

export class Tracer {
  readonly events: TraceEvent[] = [];
  phase: TracePhase = 'prepare';
  /** process.hrtime (CLOCK_MONOTONIC) at the start of the run */
  readonly startNs = process.hrtime.bigint();

  constructor(private readonly listener?: (e: TraceEvent) => void) {}

  /** ms since the start of the run, of now or of a CLOCK_MONOTONIC time in ns */
  ms(atNs: bigint = process.hrtime.bigint()): number {
    return Math.round(Number(atNs - this.startNs) / 1e3) / 1e3;
  }

  add(kind: TraceKind, what: string, result: string, ok: boolean, more: { origin?: SourceLocation; t?: number } = {}): void {
    const e: TraceEvent = { t: more.t ?? this.ms(), phase: this.phase, kind, what, result, ok };
    if (more.origin) e.origin = `${more.origin.file}:${more.origin.line}`;
    this.events.push(e);
    this.listener?.(e);
  }

  /** A milestone of the lifecycle: clone, release, exit, teardown. */
  milestone(what: string, result = '', ok = true): void {
    this.add('lifecycle', what, result, ok);
  }

  /** The events in time order (a command is reported when it ends, dated when it started). */
  sorted(): TraceEvent[] {
    return [...this.events].sort((a, b) => a.t - b.t);
  }
}

const current = new AsyncLocalStorage<Tracer>();

export const currentTracer = (): Tracer | undefined => current.getStore();

/** Run fn (and everything it starts) with `tracer` as the current trace. */
export function withTracer<T>(tracer: Tracer, fn: () => T): T {
  hookFs();
  return current.run(tracer, fn);
}

/** Frames of the tracing machinery itself, skipped when looking for the caller. */
const OWN_FRAMES = /\/kit\/core\/(?:tracer|shell|origin)\.[jt]s:/; // the sources, or the compiled kit (.build/kit/)
const skipOwn = (frame: string): boolean => OWN_FRAMES.test(frame);

/** The step file's line that made this call directly, if one did. */
export const stepLine = (): SourceLocation | undefined => directCaller(skipOwn);

/**
 * A host command starts: returns the function to call with its exit status
 * (or undefined outside a traced run). `origin`: the step line that ran it;
 * by default found on the stack (a step's own `$` call; absent for the kit's).
 */
export function traceCommand(
  what: string,
  origin: SourceLocation | undefined = undefined,
): ((status: number | string | null) => void) | undefined {
  const tracer = current.getStore();
  if (!tracer) return undefined;
  const t = tracer.ms();
  const from = origin ?? stepLine();
  return (status) => {
    const result = status === null ? 'not started' : String(status);
    tracer.add('command', what, result, status === 0, { origin: from, t });
  };
}

/** Folders made already by this process: one mkdir less on every run (the round trip is ~10 ms). */
const madeDirs = new Set<string>();

/** Keep this run's trace in state/traces/step-N.jsonl (written whole, then renamed into place). */
export function writeTrace(stateDir: string, step: number, events: TraceEvent[]): void {
  const file = traceFile(stateDir, step);
  const dir = path.dirname(file);
  if (!madeDirs.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const tmp = `${file}.${process.pid}.tmp`;
  const text = events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '');
  try {
    fs.writeFileSync(tmp, text);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    fs.mkdirSync(dir, { recursive: true }); // removed since (a test's state folder): make it again
    fs.writeFileSync(tmp, text);
  }
  fs.renameSync(tmp, file);
}

// ---- writes under /sys/fs/cgroup ------------------------------------------

export const CGROUP_ROOT = '/sys/fs/cgroup';

/** The absolute path when `p` names something under /sys/fs/cgroup. */
function cgroupPath(p: unknown): string | undefined {
  let s: string;
  if (typeof p === 'string') s = p;
  else if (p instanceof URL) s = fileURLToPath(p);
  else if (Buffer.isBuffer(p)) s = p.toString();
  else return undefined; // an fd
  if (s.startsWith('/') && !s.startsWith(CGROUP_ROOT)) return undefined; // the usual case, cheaply
  const abs = path.resolve(s);
  return abs === CGROUP_ROOT || abs.startsWith(`${CGROUP_ROOT}/`) ? abs : undefined;
}

function shown(data: unknown): string {
  const s =
    typeof data === 'string'
      ? data
      : ArrayBuffer.isView(data)
        ? Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString()
        : String(data);
  const one = s.replace(/\n$/, '').replace(/\n/g, '\\n');
  return one.length > 200 ? `${one.slice(0, 200)}...` : one;
}

const errCode = (err: unknown): string =>
  (err as NodeJS.ErrnoException | undefined)?.code ?? (err instanceof Error ? err.message : String(err));

/** What a cgroup write is about to be: undefined when it is not one to record. */
function cgroupEvent(
  op: 'write' | 'append' | 'mkdir' | 'rmdir',
  p: unknown,
  data?: unknown,
): { tracer: Tracer; what: string; t: number; origin?: SourceLocation } | undefined {
  const tracer = current.getStore();
  if (!tracer) return undefined;
  const abs = cgroupPath(p);
  if (!abs) return undefined;
  const what = op === 'write' ? `${abs} <- ${shown(data)}` : op === 'append' ? `${abs} <<- ${shown(data)}` : `${op} ${abs}`;
  return { tracer, what, t: tracer.ms(), origin: stepLine() };
}

function settle(ev: ReturnType<typeof cgroupEvent>, err?: unknown): void {
  if (!ev) return;
  ev.tracer.add('cgroup-write', ev.what, err === undefined ? '0' : errCode(err), err === undefined, { origin: ev.origin, t: ev.t });
}

let hooked = false;

/** node's fs functions, overloaded: wrapped as they are, arguments passed through */
type AnyFn = (...args: unknown[]) => unknown;

function hookFs(): void {
  if (hooked) return;
  hooked = true;
  const syncs: [string, 'write' | 'append' | 'mkdir' | 'rmdir'][] = [
    ['writeFileSync', 'write'],
    ['appendFileSync', 'append'],
    ['mkdirSync', 'mkdir'],
    ['rmdirSync', 'rmdir'],
  ];
  const target = fs as unknown as Record<string, AnyFn>;
  for (const [name, op] of syncs) {
    const orig = target[name];
    target[name] = function traced(this: unknown, ...args: unknown[]) {
      const ev = cgroupEvent(op, args[0], args[1]);
      if (!ev) return orig.apply(this, args);
      try {
        const r = orig.apply(this, args);
        settle(ev);
        return r;
      } catch (err) {
        settle(ev, err);
        throw err;
      }
    };
  }
  const promises = fs.promises as unknown as Record<string, AnyFn>;
  for (const [name, op] of [
    ['writeFile', 'write'],
    ['appendFile', 'append'],
    ['mkdir', 'mkdir'],
    ['rmdir', 'rmdir'],
  ] as const) {
    const orig = promises[name];
    promises[name] = async function traced(this: unknown, ...args: unknown[]) {
      const ev = cgroupEvent(op, args[0], args[1]);
      if (!ev) return orig.apply(this, args);
      try {
        const r: unknown = await orig.apply(this, args);
        settle(ev);
        return r;
      } catch (err) {
        settle(ev, err);
        throw err;
      }
    };
    const origCb = target[name];
    target[name] = function traced(this: unknown, ...args: unknown[]) {
      const cb = args[args.length - 1];
      const ev = typeof cb === 'function' ? cgroupEvent(op, args[0], args[1]) : undefined;
      if (!ev) return origCb.apply(this, args);
      args[args.length - 1] = (err: NodeJS.ErrnoException | null, ...rest: unknown[]) => {
        settle(ev, err ?? undefined);
        (cb as AnyFn)(err, ...rest);
      };
      return origCb.apply(this, args);
    };
  }
  // `import { writeFileSync } from 'node:fs'` sees the wrappers too
  syncBuiltinESMExports();
}
