// What step 5 adds to a step definition: the parts of the benchmark a student
// writes. The container itself is steps 1..4; step 5 says which sysbench
// command measures what, how one runs inside the container, and how to read
// the number that matters out of sysbench's report.

import { KitError } from '../../core/errors.ts';
import type { StepDefinition } from '../../core/types.ts';
import type { EnvRunResult } from './environment.ts';
import type { SysbenchCommands, WorkloadId } from './workloads.ts';

/** What the kit hands to the step's `run` hook. */
export interface BenchTools {
  /**
   * Start a container made of steps 1..5 with `argv` as its command (its
   * PID 1), wait for it to exit, tear it down, and return what it printed
   * with the namespaces, cgroup and working-directory filesystem of the
   * sysbench process, as read from the host while it ran.
   */
  container(argv: string[]): Promise<EnvRunResult>;
}

export interface BenchStep extends StepDefinition {
  /** Which sysbench command measures what. */
  sysbench: SysbenchCommands;
  /** Where fileio's files go, inside the container. */
  workDir(): string;
  /** Run one sysbench command line (`argv`, starting with 'sysbench') inside the container, in `cwd`. */
  run(tools: BenchTools, argv: string[], cwd: string): Promise<EnvRunResult>;
  /** The number a workload is judged by (higher is better), read from sysbench's output; undefined if absent. */
  read(workload: WorkloadId, stdout: string): number | undefined;
}

export function asBenchStep(step: StepDefinition | undefined, file = 'step 5'): BenchStep {
  const s = step as Partial<BenchStep> | undefined;
  const missing = (['sysbench', 'workDir', 'run', 'read'] as const).filter((k) => s?.[k] === undefined);
  const commands = s?.sysbench
    ? (['cpu', 'fileio', 'memory', 'threads'] as const).filter((k) => typeof s.sysbench?.[k] !== 'function')
    : [];
  if (!s || missing.length || commands.length) {
    throw new KitError(`${file} does not define ${[...missing, ...commands.map((c) => `sysbench.${c}`)].join(', ')}.`, {
      hint: 'Keep the structure of the skeleton steps/05-bench.ts: sysbench { cpu, fileio, memory, threads }, workDir, run and read.',
      page: '/steps/05-bench',
    });
  }
  return s as BenchStep;
}
