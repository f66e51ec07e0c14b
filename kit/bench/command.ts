// `npm run bench`: sysbench on the host, in the student's container and in
// LXC, interleaved; writes results/bench.{json,md,svg}.

import { KitError } from '../errors.ts';
import { newContext } from '../lifecycle.ts';
import { lxcAvailability, reclaimers as lxcReclaimers } from '../lxc/lxc.ts';
import { reclaimers } from '../reclaim.ts';
import { lxcEnvironment } from '../lxc/environment.ts';
import { parseArgs } from '../cli/args.ts';
import { ready } from '../cli/common.ts';
import { say, warn } from '../cli/output.ts';
import { solutionsDir, stepsDir } from '../paths.ts';
import type { RunOptions } from '../types.ts';
import type { BenchEnvironment, EnvName, UnavailableEnvironment } from './environment.ts';
import { hostEnvironment } from './host-env.ts';
import { formatDuration, progressBar } from './progress.ts';
import { PROFILES, runBench } from './runner.ts';
import { writeResults } from './write.ts';
import type { Ledger } from '../ledger.ts';

/**
 * Makes the student's container as a benchmark environment. Set by the step
 * (phase 2) so that this module does not depend on a step's files.
 */
export type ContainerEnvironmentFactory = (opts: { ledger: Ledger; stateDir: string; runId: string; stepsDir: string; options: RunOptions }) => Promise<BenchEnvironment | UnavailableEnvironment>;

let containerFactory: ContainerEnvironmentFactory | undefined;
export function setContainerEnvironmentFactory(f: ContainerEnvironmentFactory): void {
  containerFactory = f;
}

export const BENCH_USAGE = `usage: npm run bench [-- [--quick] [--solution] [--no-lxc] [--no-container] [--only ID,ID]]

Runs sysbench (cpu, fileio read and write with and without O_DIRECT, memory,
threads) on the host, in your container (steps 1 to 5) and in a throwaway LXC
container, interleaved; writes results/bench.json, bench.md and bench.svg.

  --quick         short runs, 3 repetitions: about a minute
  --solution      benchmark the reference container (solutions/) instead of steps/
  --no-lxc        leave LXC out
  --no-container  host (and LXC) only
  --only IDS      only these variants, e.g. cpu,memory`;

const isUnavailable = (e: BenchEnvironment | UnavailableEnvironment): e is UnavailableEnvironment => 'note' in e && !('run' in e);

export async function benchCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['quick', 'solution', 'no-lxc', 'no-container']);
  await ready({});
  const profile = args.flags.quick ? PROFILES.quick : PROFILES.full;
  const only = typeof args.flags.only === 'string' ? args.flags.only.split(',').map((s) => s.trim()) : undefined;
  const dir = args.flags.solution ? solutionsDir : stepsDir;
  const options: RunOptions = { argv: [], solution: !!args.flags.solution, stepsDir: dir };
  const ctx = newContext(options);

  const envs: BenchEnvironment[] = [hostEnvironment({ ledger: ctx.ledger, stateDir: ctx.stateDir, runId: ctx.runId })];
  const unavailable: UnavailableEnvironment[] = [];
  if (!args.flags['no-container']) {
    if (!containerFactory) throw new KitError('The container environment is not wired into the benchmark.', { hint: 'Use --no-container, or run it through step 5.', page: '/steps/05-bench' });
    const c = await containerFactory({ ledger: ctx.ledger, stateDir: ctx.stateDir, runId: ctx.runId, stepsDir: dir, options });
    if (isUnavailable(c)) unavailable.push(c);
    else envs.push(c);
  }
  if (!args.flags['no-lxc']) {
    const lxc = await lxcAvailability();
    if (lxc.ok) envs.push(lxcEnvironment({ ledger: ctx.ledger, stateDir: ctx.stateDir, runId: ctx.runId, version: lxc.version }));
    else {
      warn(`${lxc.note}: the LXC column is skipped. To include it: ${lxc.install}`);
      unavailable.push({ name: 'lxc', note: lxc.note, install: lxc.install });
    }
  }
  return runAndWrite({ envs, unavailable, profile, only, ledger: ctx.ledger });
}

export async function runAndWrite(o: {
  envs: BenchEnvironment[];
  unavailable: UnavailableEnvironment[];
  profile: (typeof PROFILES)['quick'];
  only?: string[];
  ledger: Ledger;
  optional?: EnvName[];
}): Promise<number> {
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  say(`benchmark (${o.profile.mode}): ${o.envs.map((e) => e.name).join(', ')}${o.unavailable.length ? ` (not: ${o.unavailable.map((u) => u.name).join(', ')})` : ''}`);
  const bar = progressBar();
  try {
    const results = await runBench({
      environments: o.envs,
      unavailable: o.unavailable,
      optional: o.optional ?? ['lxc'],
      profile: o.profile,
      ...(o.only ? { only: o.only } : {}),
      onProgress: (e) => bar.update(e),
      onNote: (m) => warn(m),
      signal: abort.signal,
    });
    bar.done(`done in ${formatDuration(results.durationS)}`);
    const files = writeResults(results);
    say(`wrote ${files.md}, ${files.json}, ${files.svg}`);
    const failed = results.runs.filter((r) => r.error && !r.warmup);
    if (failed.length) warn(`${failed.length} run(s) failed, e.g. ${failed[0].variant} on ${failed[0].env}: ${failed[0].error}`);
    return failed.length ? 1 : 0;
  } finally {
    bar.done();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // the environments forget what they removed; anything left is reclaimed here
    for (const e of await o.ledger.teardown({ ...reclaimers, ...lxcReclaimers })) warn(`could not clean up: ${e.message}`);
  }
}
