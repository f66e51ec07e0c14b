// The lifecycle every step plugs into (DESIGN.md):
//   prepare (host) -> configure (flags, child ops) -> spawn (paused) ->
//   setup (host, child paused) -> release -> wait -> teardown (always, reverse).

import crypto from 'node:crypto';
import { KitError } from './errors.ts';
import { Ledger, type Reclaimer, type ResourceKind } from './ledger.ts';
import { loadShim } from './native.ts';
import { describeOp } from './ops.ts';
import { spawnPaused, type PausedProcess } from './spawn.ts';
import { runsDir, stateDir } from './paths.ts';
import { processStartTime } from './proc-stat.ts';
import type { ExitStatus } from './reaper.ts';
import type { TraceEvent } from './trace.ts';
import { Tracer, withTracer, writeTrace } from './tracer.ts';
import type { ContainerSpec, RunContext, RunOptions, StepDefinition } from './types.ts';

export const DEFAULT_ENV: Record<string, string> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  // plain text: dash (the host's /bin/sh in step 1) does not expand \h or \w
  PS1: '[container] # ',
};

/** The interactive shell a student is dropped into. */
export const DEFAULT_ARGV = ['/bin/sh'];

/**
 * What the lifecycle needs from the host layer, given to it rather than
 * imported (imports go tools → host → core): kit/host/run.ts gives the host's
 * own (every kind's reclaimer, the known host-command failures, the image locks).
 */
export interface HostHooks {
  /** How each kind of ledger entry is removed at teardown. */
  reclaimers: Partial<Record<ResourceKind, Reclaimer>>;
  /** A step hook's error as the student should read it (a failed host command explained), or the error unchanged. */
  explain(err: unknown, step: StepDefinition, hook: 'prepare' | 'setup' | 'teardown'): unknown;
  /** After the ledger is undone: free what this process held for the run (step 2's image lock). */
  afterTeardown(runId: string): void;
}

export interface StartOptions {
  /** the host layer's part of the lifecycle */
  host: HostHooks;
  steps: StepDefinition[];
  options: RunOptions;
  /** fds for the container's stdin/stdout/stderr (default: the kit's own) */
  stdio?: [number?, number?, number?];
  /** interactive shell on this terminal: job control, terminal handed back at exit */
  foreground?: boolean;
  runId?: string;
  /** Stop starting when this aborts (Ctrl-C): checked between hooks; throws its reason after tearing down. */
  signal?: AbortSignal;
  /** Each trace event as it happens (`--trace`); the whole trace is kept in state/traces/step-N.jsonl either way. */
  onTrace?: (e: TraceEvent) => void;
}

export interface RunningContainer {
  readonly ctx: RunContext;
  readonly pid: number;
  readonly exited: Promise<ExitStatus>;
  /** Undo everything the steps did; safe to call more than once. */
  teardown(): Promise<void>;
}

export function newRunId(): string {
  return crypto.randomBytes(3).toString('hex');
}

export function newContext(options: RunOptions, runId = newRunId()): RunContext {
  return { runId, options, stateDir: stateDir(), ledger: new Ledger(runsDir(), runId), facts: {}, started: false };
}

/**
 * Start the container made of `steps` (in order) and return once its command
 * has been exec'd. On any failure everything done so far is torn down and the
 * error is rethrown.
 */
export async function startContainer(start: StartOptions): Promise<RunningContainer> {
  const tracer = new Tracer(start.onTrace);
  return withTracer(tracer, () => startTraced(start, tracer));
}

async function startTraced(start: StartOptions, tracer: Tracer): Promise<RunningContainer> {
  const ctx = newContext(start.options, start.runId);
  const stepId = Math.max(0, ...start.steps.map((s) => s.id));
  let child: PausedProcess | undefined;
  let reaped = false;
  let tornDown: Promise<void> | undefined;
  // teardown may be called from outside this run's async context (after the wait): re-enter it
  const teardown = () =>
    (tornDown ??= withTracer(tracer, async () => {
      tracer.phase = 'teardown';
      tracer.milestone(`teardown of run ${ctx.runId}`);
      try {
        await teardownAll(ctx, start.steps, child, reaped, start.host);
        tracer.milestone('teardown done');
      } catch (err) {
        tracer.milestone('teardown done', err instanceof Error ? err.message : String(err), false);
        throw err;
      } finally {
        keepTrace(ctx, stepId, tracer);
      }
    }));
  const stopIfAsked = () => start.signal?.throwIfAborted();
  try {
    stopIfAsked();
    tracer.milestone(`run ${ctx.runId} of steps 1..${stepId}`);
    for (const step of start.steps) {
      await Promise.resolve(step.prepare?.(ctx)).catch((err: unknown) => {
        throw start.host.explain(err, step, 'prepare');
      });
      stopIfAsked();
    }
    tracer.phase = 'configure';
    const spec: ContainerSpec = {
      cloneFlags: new Set(),
      ops: [],
      argv: start.options.argv.length ? start.options.argv : DEFAULT_ARGV,
      env: { ...DEFAULT_ENV, ...(process.env.TERM ? { TERM: process.env.TERM } : {}) },
    };
    for (const step of start.steps) step.configure?.(ctx, spec);
    refuseHostMounts(spec);
    // No ledger entry for the child itself: the shim sets PR_SET_PDEATHSIG,
    // so the kernel kills it whenever the kit dies, even by SIGKILL.
    const onWait = async (label: string) => {
      for (const step of start.steps) await step.whileChildWaits?.(ctx, { pid: child!.pid }, label);
    };
    tracer.phase = 'spawn';
    child = spawnPaused({ ...spec, stdio: start.stdio, foreground: start.foreground, onWait });
    void child.exited.then(() => (reaped = true));
    tracer.phase = 'setup';
    for (const step of start.steps) {
      stopIfAsked();
      await Promise.resolve(step.setup?.(ctx, { pid: child.pid })).catch((err: unknown) => {
        throw start.host.explain(err, step, 'setup');
      });
    }
    stopIfAsked();
    tracer.phase = 'release';
    await child.release();
    ctx.started = true;
    tracer.phase = 'wait';
    // for `npm run ps` and `npm run exec`: only once its command runs (before,
    // a process joining it would find the host's root in its mount namespace)
    ctx.ledger.noteContainer({
      pid: child.pid,
      startTime: processStartTime(child.pid) ?? '',
      step: Math.max(0, ...start.steps.map((s) => s.id)),
      stepsDir: start.options.stepsDir,
    });
  } catch (err) {
    tracer.milestone('failed', err instanceof Error ? err.message : String(err), false);
    await teardown();
    throw err;
  }
  const pid = child.pid;
  void child.exited.then((s) =>
    tracer.milestone('container exited', s.signal !== null ? `signal ${s.signal}` : `code ${s.code}`, s.code === 0),
  );
  const exited = start.foreground ? child.exited.finally(() => loadShim().takeTerminal(0)) : child.exited;
  return { ctx, pid, exited, teardown };
}

/** The trace of this run, for `readLastTrace` (the report); a failure to write it must not fail the run. */
function keepTrace(ctx: RunContext, stepId: number, tracer: Tracer): void {
  try {
    writeTrace(ctx.stateDir, stepId, tracer.sorted());
  } catch (err) {
    process.stderr.write(`cw could not keep the trace: ${(err as Error).message}\n`);
  }
}

/** start + wait + teardown: the whole life of one container. */
export async function runContainer(start: StartOptions): Promise<{ status: ExitStatus; ctx: RunContext }> {
  const c = await startContainer(start);
  try {
    const status = await c.exited;
    return { status, ctx: c.ctx };
  } finally {
    await c.teardown();
  }
}

async function teardownAll(
  ctx: RunContext,
  steps: StepDefinition[],
  child: PausedProcess | undefined,
  reaped: boolean,
  host: HostHooks,
): Promise<void> {
  const errors: unknown[] = [];
  if (child) {
    child.abort();
    // once reaped, its pid is free and may already be someone else's
    if (!reaped) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await child.exited;
  }
  for (const step of [...steps].reverse()) {
    try {
      await step.teardown?.(ctx);
    } catch (err) {
      errors.push(host.explain(err, step, 'teardown'));
    }
  }
  errors.push(...(await ctx.ledger.teardown(host.reclaimers)));
  // e.g. the images this run claimed (step 2's claimHomeImage): free for the next run once all is undone
  host.afterTeardown(ctx.runId);
  if (errors.length) {
    throw new KitError(
      `Teardown left ${errors.length} problem(s): ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`,
      {
        hint: 'Run `npm run clean` to reclaim what is left.',
        page: '/guide/troubleshooting#cleanup',
      },
    );
  }
}

/** Operations that change the mount table of the namespace they run in. */
const MOUNT_OPS = new Set(['mount', 'umount2', 'pivot_root']);

/**
 * Without a mount namespace of its own, the child's mount operations would
 * change the host's mounts (make them private, cover its /proc): refuse
 * before anything runs. The one mistake the kit does not let a student make
 * for real, because undoing it needs a reboot more often than not.
 */
function refuseHostMounts(spec: ContainerSpec): void {
  if (spec.cloneFlags.has('CLONE_NEWNS')) return;
  const op = spec.ops.find((o) => MOUNT_OPS.has(o.op));
  if (!op) return;
  const where = op.origin ? ` (${op.origin.file}:${op.origin.line})` : '';
  throw new KitError(`Refusing to run ${describeOp(op)}${where} without a mount namespace: it would change the host's own mounts.`, {
    hint: "Add CLONE_NEWNS to spec.cloneFlags, so that the container's mounts happen in a copy of the mount table.",
    page: '/steps/01-pid#its-own-proc',
  });
}
