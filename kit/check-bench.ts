// Step 5's benchmark, for check 5: the one other module checks/ may import
// beside the check context (kit/check.ts). It is a module of its own so that
// the other checks do not load the bench (about fifteen modules, 10-15 ms of
// every `npm run check`, issue 17).

export { containerEnvironment } from './tools/bench/container-env.ts';
export type { BenchEnvironment, UnavailableEnvironment } from './tools/bench/environment.ts';
export { hostEnvironment } from './tools/bench/host-env.ts';
export { lxcEnvironmentIfAvailable } from './tools/bench/lxc-env.ts';
export { NAMESPACES } from './tools/bench/probe.ts';
export { availableEnvs, measuredRuns, tabulate, type BenchResults, type BenchRun } from './tools/bench/results.ts';
export { PROFILES, runBench } from './tools/bench/runner.ts';
export { asBenchStep } from './tools/bench/step.ts';
export { formatRatio } from './tools/bench/stats.ts';
export { flagValue, variants, WORKLOADS, type FileSet } from './tools/bench/workloads.ts';
