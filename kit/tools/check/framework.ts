// The check framework: a check starts the container as the student built it,
// with a probe command and randomised inputs, inspects the kernel from the
// host while it runs, and records named assertions.

import { scoreOf, statusOf } from './score.ts';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KitError, NotDoneError } from '../../core/errors.ts';
import { Ledger } from '../../core/ledger.ts';
import { runsDir } from '../../core/paths.ts';
import { reclaimers } from '../../host/reclaim.ts';
import { startContainer, type RunningContainer } from '../../host/run.ts';
import { loadStepsUpTo } from '../../core/steps.ts';
import type { AssertionResult, AssertionSpec, CheckResult } from './types.ts';
import type { RunOptions } from '../../core/types.ts';

export interface CheckDefinition {
  step: number;
  title: string;
  page: string;
  /** every assertion the check can make; the site renders these */
  assertions: AssertionSpec[];
  /** how long the check may take (default 120 s; --timeout overrides it) */
  timeoutMs?: number;
  run(t: CheckContext): Promise<void>;
}

export const defineCheck = (def: CheckDefinition): CheckDefinition => def;

/** What a failed assertion says beyond its spec. */
export type AssertionDetail = Pick<AssertionResult, 'expected' | 'seen' | 'inconclusive'>;

export interface Probe extends RunningContainer {
  /** what the probe wrote to stdout so far */
  output(): string;
  /** wait until stdout matches (or the probe exits / time runs out) */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** `key=value` lines of the probe's stdout */
  values(): Record<string, string>;
  /** kill the probe and wait for it to exit (not the teardown) */
  stop(): Promise<void>;
}

export interface StartProbe {
  argv: string[];
  /** step options, typed, e.g. { hostname: 'cw-1a2b3c' } */
  options?: Partial<Omit<RunOptions, 'argv' | 'solution' | 'stepsDir'>>;
  /** steps to compose (default: 1..this check's step) */
  upTo?: number;
}

export interface CheckContext {
  readonly stepsDir: string;
  /** a temporary folder for this check, removed afterwards */
  readonly tmp: string;
  /** aborted when the check runs out of time: long loops should stop */
  readonly signal: AbortSignal;
  /**
   * Grading mode (`check --grading`): the check proves what the grader needs
   * as cheaply as it can, and the assertions marked `benchmark` are skipped.
   */
  readonly grading: boolean;
  /**
   * The check's own host resources (a helper process, a marker file, a
   * mount): record each before making it, like a step does. The ledger is
   * state/runs/check<N>-<hex>.json, so `npm run clean` reclaims them if the
   * check is killed; the check tears it down last, after the probes and the
   * deferred functions, and its first error fails the check.
   */
  readonly ledger: Ledger;
  random: {
    hex(bytes?: number): string;
    int(min: number, max: number): number;
    name(prefix: string): string;
  };
  start(probe: StartProbe): Promise<Probe>;
  /** record an assertion; `ok` decides pass/fail */
  expect(id: string, ok: boolean, detail?: AssertionDetail): boolean;
  /** run at the end of the check, even on failure (newest first) */
  defer(fn: () => Promise<void> | void): void;
}

class Recorder {
  readonly results = new Map<string, AssertionResult>();
  constructor(readonly specs: AssertionSpec[]) {}

  record(id: string, ok: boolean, detail: AssertionDetail): void {
    const spec = this.specs.find((s) => s.id === id);
    if (!spec) throw new Error(`check bug: unknown assertion id ${id}`);
    // an assertion recorded twice keeps its first failure
    const prev = this.results.get(id);
    if (prev && prev.status === 'fail') return;
    this.results.set(id, { ...spec, status: ok ? 'pass' : 'fail', ...detail });
  }
}

export interface RunCheckOptions {
  stepsDir: string;
  timeoutMs?: number;
  /** grading mode: see CheckContext.grading */
  grading?: boolean;
}

/** Why a `benchmark` assertion is skipped in grading mode (reports show it). */
export const GRADING_SKIP_MESSAGE =
  'not graded in grading mode: it needs a whole benchmark (grade with --bench, or run `npm run check` without --grading)';

export async function runCheck(def: CheckDefinition, opts: RunCheckOptions): Promise<CheckResult> {
  const started = performance.now();
  const rec = new Recorder(def.assertions);
  const deferred: (() => Promise<void> | void)[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `cw-check${def.step}-`));
  const probes: Probe[] = [];
  const timeoutMs = opts.timeoutMs ?? def.timeoutMs ?? 120_000;
  const abort = new AbortController();
  const ledger = new Ledger(runsDir(), `check${def.step}-${crypto.randomBytes(3).toString('hex')}`);

  const t: CheckContext = {
    stepsDir: opts.stepsDir,
    tmp,
    signal: abort.signal,
    grading: opts.grading === true,
    ledger,
    random: {
      hex: (bytes = 3) => crypto.randomBytes(bytes).toString('hex'),
      int: (min, max) => crypto.randomInt(min, max + 1),
      name: (prefix) => `${prefix}-${crypto.randomBytes(3).toString('hex')}`,
    },
    async start(p) {
      const steps = await loadStepsUpTo(opts.stepsDir, p.upTo ?? def.step);
      const probe = await startProbe(steps, p, tmp, opts.stepsDir);
      probes.push(probe);
      return probe;
    },
    expect(id, ok, detail = {}) {
      rec.record(id, ok, detail);
      return ok;
    },
    defer(fn) {
      deferred.push(fn);
    },
  };

  let failure: unknown;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      def.run(t),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abort.abort();
          reject(
            new KitError(`the check did not finish within ${Math.round(timeoutMs / 1000)} s`, {
              hint: 'Is the container hanging (a command that never exits, a blocked operation)? A busy machine can also be the cause: try --timeout with more seconds.',
            }),
          );
        }, timeoutMs);
      }),
    ]);
  } catch (err) {
    failure = err;
  } finally {
    clearTimeout(timer);
    for (const p of probes) {
      await p.stop().catch(() => undefined);
      await p.teardown().catch((e: unknown) => (failure ??= e));
    }
    for (const fn of deferred.reverse()) {
      try {
        await fn();
      } catch (err) {
        failure ??= err;
      }
    }
    const leftovers = await ledger.teardown(reclaimers);
    failure ??= leftovers[0];
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const assertions = def.assertions.map((spec): AssertionResult => {
    if (opts.grading && spec.benchmark) return { ...spec, status: 'skipped', message: GRADING_SKIP_MESSAGE };
    const r = rec.results.get(spec.id);
    if (r) return r;
    // the page that explains *this* failure (the TODO's section, the
    // troubleshooting entry of an errno) beats the assertion's own page
    const page = failure instanceof KitError && failure.page ? failure.page : spec.page;
    if (failure instanceof NotDoneError) {
      return { ...spec, page, status: 'not-attempted', message: failure.message };
    }
    if (failure) return { ...spec, page, status: 'error', message: describe(failure) };
    return { ...spec, status: 'fail', message: 'the check never got to this assertion' };
  });
  const { score, maxScore } = scoreOf(assertions);
  // a TODO not done is not an error: what ran before it counts, the rest is not attempted
  const status = statusOf(assertions, failure !== undefined && !(failure instanceof NotDoneError));
  return {
    step: def.step,
    title: def.title,
    stepsDir: opts.stepsDir,
    status,
    assertions,
    score,
    maxScore,
    durationMs: Math.round(performance.now() - started),
  };
}

function describe(err: unknown): string {
  if (err instanceof KitError) return [err.message, err.hint].filter(Boolean).join(' ');
  return err instanceof Error ? err.message : String(err);
}

async function startProbe(steps: Awaited<ReturnType<typeof loadStepsUpTo>>, p: StartProbe, tmp: string, stepsDir: string): Promise<Probe> {
  const outFile = path.join(tmp, `probe-${crypto.randomBytes(3).toString('hex')}.out`);
  const out = fs.openSync(outFile, 'w');
  const devnull = fs.openSync('/dev/null', 'r');
  let c: RunningContainer;
  try {
    c = await startContainer({
      steps,
      options: { argv: p.argv, solution: false, stepsDir, ...p.options },
      stdio: [devnull, out, out],
    });
  } finally {
    fs.closeSync(out);
    fs.closeSync(devnull);
  }
  let done = false;
  void c.exited.then(() => (done = true));
  const output = () => fs.readFileSync(outFile, 'utf8');
  return {
    ...c,
    output,
    values() {
      const v: Record<string, string> = {};
      for (const line of output().split('\n')) {
        const m = /^([\w.-]+)=(.*)$/.exec(line);
        if (m) v[m[1]] = m[2];
      }
      return v;
    },
    async waitFor(pattern, timeoutMs = 10_000) {
      const start = Date.now();
      const deadline = start + timeoutMs;
      for (;;) {
        const m = output().match(pattern);
        if (m) return m;
        if (done || Date.now() > deadline) {
          throw new KitError(
            `the probe ${done ? 'exited' : 'did not answer in time'} before printing ${pattern}; its output was: ${output().slice(-400) || '(nothing)'}`,
          );
        }
        // a probe usually answers within milliseconds: look often at first, then every 10 ms
        await new Promise((r) => setTimeout(r, Math.min(10, 1 + (Date.now() - start) / 20)));
      }
    },
    async stop() {
      if (!done) {
        try {
          process.kill(c.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await c.exited;
    },
  };
}
