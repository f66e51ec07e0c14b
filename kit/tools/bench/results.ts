// The shape of results/bench.json, and the summaries made from it. The check,
// the Markdown, the chart and the report all read this one file.

import type { EnvName, RunEvidence } from './environment.ts';
import type { NamespaceIds } from './probe.ts';
import type { SysbenchReport } from './parse.ts';
import { compare, summarize, type Summary, type Verdict } from './stats.ts';
import type { FileSet, MetricId, Variant, WorkloadId } from './workloads.ts';

export const RESULTS_SCHEMA = 1;

export type BenchMode = 'quick' | 'full';

export interface BenchProfile {
  mode: BenchMode;
  /** measured runs per variant and environment */
  reps: number;
  /** more (or fewer) runs for some variants, by id */
  repsFor?: Record<string, number>;
  /** seconds each measured run should take (the amount of work is calibrated to it) */
  targetS: number;
  /** seconds of the time-bounded warm-up on the host (calibration); 0: a small fixed amount instead */
  warmupS: number;
  /** a measured run is stopped after targetS * capFactor */
  capFactor: number;
  files: FileSet;
}

export interface BenchRun extends RunEvidence {
  variant: string;
  env: EnvName;
  /** 0 = warm-up (not counted), 1.. = measured */
  rep: number;
  warmup: boolean;
  argv: string[];
  /** events or MiB of work of a measured run */
  amount?: number;
  startedAt: string;
  /** wall-clock seconds seen by the kit (includes starting the process / container) */
  wallS: number;
  exitCode: number;
  /** the variant's metric (higher is better) */
  value?: number;
  report: SysbenchReport;
  /** the step's own reading of the number (null: it found none) */
  read?: number | null;
  error?: string;
  stdout: string;
}

export interface EnvironmentRecord {
  name: EnvName;
  available: boolean;
  description?: string;
  /** why it is missing, and how to get it */
  note?: string;
  install?: string;
  workDir?: string;
  facts?: Record<string, unknown>;
  /** fileio prepare: wall seconds, exit code */
  prepare?: { wallS: number; exitCode: number; error?: string };
}

export interface BenchResults {
  schema: typeof RESULTS_SCHEMA;
  mode: BenchMode;
  profile: BenchProfile;
  startedAt: string;
  finishedAt: string;
  durationS: number;
  machine: { cpus: number; cpuModel: string; kernel: string; memoryMiB: number; sysbench?: string };
  /** namespaces and cgroup of the kit itself: what "the host" is */
  host: { nsIds: NamespaceIds; cgroup: string };
  environments: EnvironmentRecord[];
  variants: (Pick<Variant, 'id' | 'workload' | 'label' | 'measures' | 'metric'> & { args: string[] })[];
  runs: BenchRun[];
}

export interface Cell {
  env: EnvName;
  summary?: Summary;
  /** vs the host; absent for the host itself */
  verdict?: Verdict;
  failures: number;
}

export interface Row {
  variant: string;
  workload: WorkloadId;
  label: string;
  metric: MetricId;
  cells: Cell[];
  /** median total time of the measured runs per environment (CPU: "total time") */
  totalTimeS: Partial<Record<EnvName, number>>;
}

export const measuredRuns = (r: BenchResults, variant: string, env: EnvName): BenchRun[] =>
  r.runs.filter((x) => x.variant === variant && x.env === env && !x.warmup);

export const availableEnvs = (r: BenchResults): EnvName[] => r.environments.filter((e) => e.available).map((e) => e.name);

export function tabulate(r: BenchResults): Row[] {
  const envs = availableEnvs(r);
  return r.variants.map((v) => {
    const summaries = new Map<EnvName, Summary | undefined>();
    const times: Partial<Record<EnvName, number>> = {};
    for (const env of envs) {
      const runs = measuredRuns(r, v.id, env);
      summaries.set(env, summarize(runs.filter((x) => x.value !== undefined).map((x) => x.value as number)));
      const t = summarize(runs.map((x) => x.report.totalTimeS ?? NaN));
      if (t) times[env] = t.median;
    }
    const host = summaries.get('host');
    const cells: Cell[] = envs.map((env) => {
      const summary = summaries.get(env);
      const failures = measuredRuns(r, v.id, env).filter((x) => x.value === undefined).length;
      const cell: Cell = { env, failures, ...(summary ? { summary } : {}) };
      if (env !== 'host' && summary && host) cell.verdict = compare(summary, host);
      return cell;
    });
    return { variant: v.id, workload: v.workload, label: v.label, metric: v.metric, cells, totalTimeS: times };
  });
}
