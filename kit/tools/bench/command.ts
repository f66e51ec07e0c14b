// `npm run bench`: sysbench on the host, in the student's container and in
// LXC, interleaved; writes results/bench.{json,md,svg}.

import path from 'node:path';
import { booleanOptions, parseArgs, stepOptions } from '../cli/args.ts';
import { ready } from '../cli/common.ts';
import { say, warn } from '../cli/output.ts';
import { KitError, NotDoneError } from '../../core/errors.ts';
import type { Ledger } from '../../core/ledger.ts';
import { newContext } from '../../core/lifecycle.ts';
import { lxcEnvironmentIfAvailable } from './lxc-env.ts';
import { reclaimers as lxcReclaimers } from '../../host/lxc/lxc.ts';
import { stepsDir, stepsDirFrom } from '../../core/paths.ts';
import { reclaimers } from '../../host/reclaim.ts';
import { loadStepsUpTo, stepFile } from '../../core/steps.ts';
import type { RunOptions } from '../../core/types.ts';
import { containerEnvironment } from './container-env.ts';
import type { BenchEnvironment, EnvName, UnavailableEnvironment } from './environment.ts';
import { hostEnvironment } from './host-env.ts';
import { bar as progressBar, formatSeconds, type Bar } from '../ux/progress.ts';
import { PROFILES, runBench } from './runner.ts';
import { asBenchStep, type BenchStep } from './step.ts';
import { variants } from './workloads.ts';
import { giveBack } from '../../core/owner.ts';
import { labelledDir, resultsDir, writeResults } from './write.ts';

export async function benchCommand(argv: string[]): Promise<number> {
  const booleans = ['quick', 'solution', 'no-lxc', 'no-container', 'yes'];
  let args = parseArgs(argv, booleans);
  const dir = stepsDirFrom(args.flags);
  stepFile(dir, 5); // no step 5: say so before asking for root
  const label = typeof args.flags.label === 'string' ? args.flags.label : undefined;
  if (args.flags.label === true) throw new KitError('--label needs a name, e.g. --label cpus1', { page: '/steps/05-bench', exitCode: 2 });
  const outDir = label ? labelledDir(label) : undefined;
  await ready({ yes: args.flags.yes === true });
  const profile = args.flags.quick ? PROFILES.quick : PROFILES.full;
  const only = typeof args.flags.only === 'string' ? args.flags.only.split(',').map((s) => s.trim()) : undefined;
  // step options (--home-size 512M, --memory 256M ...) go to the container's steps, checked against their declarations
  const steps = await loadStepsUpTo(dir, 5);
  args = parseArgs(argv, [...booleans, ...booleanOptions(steps)]);
  const options: RunOptions = {
    ...stepOptions(args.flags, steps, BENCH_FLAGS),
    argv: [],
    solution: args.flags.solution === true,
    stepsDir: dir,
  };

  const bench = asBenchStep(steps.at(-1), `${path.basename(dir)}/05-bench.ts`);
  const ctx = newContext(options);
  try {
    const envs: BenchEnvironment[] = [hostEnvironment({ ledger: ctx.ledger, stateDir: ctx.stateDir, runId: ctx.runId })];
    if (!args.flags['no-container']) {
      envs.push(
        containerEnvironment({
          steps,
          bench,
          options,
          ledger: ctx.ledger,
          scratchDir: path.join(ctx.stateDir, 'bench', `container-${ctx.runId}`),
        }),
      );
    }
    const unavailable: UnavailableEnvironment[] = [];
    if (!args.flags['no-lxc']) {
      const lxc = await lxcEnvironmentIfAvailable({ ledger: ctx.ledger, stateDir: ctx.stateDir, runId: ctx.runId });
      if ('run' in lxc) envs.push(lxc);
      else {
        warn(`${lxc.note}: the LXC column is skipped. To include it: ${lxc.install}`);
        unavailable.push(lxc);
      }
    }
    return await runAndWrite({ envs, unavailable, profile, only, ledger: ctx.ledger, bench, resultsDir: outDir });
  } catch (err) {
    if (err instanceof NotDoneError) err.message = `Step 5 is not finished: ${err.message}`;
    throw err;
  }
}

const BENCH_FLAGS = ['quick', 'solution', 'no-lxc', 'no-container', 'only', 'steps-dir', 'yes', 'label'];

export async function runAndWrite(o: {
  envs: BenchEnvironment[];
  unavailable: UnavailableEnvironment[];
  profile: (typeof PROFILES)['quick'];
  only?: string[];
  ledger: Ledger;
  bench: BenchStep;
  optional?: EnvName[];
  resultsDir?: string;
}): Promise<number> {
  // the step's commands first: an unfinished TODO stops here, before anything is set up
  variants(o.profile.files, o.bench.sysbench);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  say(
    `benchmark (${o.profile.mode}): ${o.envs.map((e) => e.name).join(', ')}${o.unavailable.length ? ` (not: ${o.unavailable.map((u) => u.name).join(', ')})` : ''}`,
  );
  // the schedule's length comes with the first event
  let bar: Bar | undefined;
  try {
    const results = await runBench({
      environments: o.envs,
      unavailable: o.unavailable,
      optional: o.optional ?? ['lxc'],
      profile: o.profile,
      commands: o.bench.sysbench,
      read: (w, out) => o.bench.read(w, out),
      ...(o.only ? { only: o.only } : {}),
      onProgress: (e) => (bar ??= progressBar('', e.total, { prefix: 'cw bench' })).update(e.done, e.label),
      onNote: (m) => warn(m),
      signal: abort.signal,
    });
    bar?.done();
    say(`benchmark done in ${formatSeconds(results.durationS * 1000)}`);
    const files = writeResults(results, o.resultsDir);
    // results/ is the student's: after the sudo re-run, give it back
    for (const p of giveBack([resultsDir()])) warn(`could not give back to you: ${p}`);
    say(`wrote ${files.md}, ${files.json}, ${files.svg}`);
    const failed = results.runs.filter((r) => r.error && !r.warmup);
    if (failed.length) warn(`${failed.length} run(s) failed, e.g. ${failed[0].variant} on ${failed[0].env}: ${failed[0].error}`);
    return failed.length ? 1 : 0;
  } finally {
    bar?.done();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // the environments forget what they removed; anything left is reclaimed here
    for (const e of await o.ledger.teardown({ ...reclaimers, ...lxcReclaimers })) warn(`could not clean up: ${e.message}`);
  }
}
