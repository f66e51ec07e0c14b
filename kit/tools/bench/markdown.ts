// results/bench.md: the table a person reads, then the observations.

import type { EnvName } from './environment.ts';
import type { SeenCgroupLimits } from '../../host/cgroup/inspect.ts';
import { observations } from './observations.ts';
import { availableEnvs, type BenchResults, type Row } from './results.ts';
import { ENV_LABELS } from './svg.ts';
import { METRICS, WORKLOAD_TITLES } from './workloads.ts';

export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x >= 1000) return Math.round(x).toLocaleString('en-US');
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toPrecision(3);
}

const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;

function valueCell(row: Row, env: EnvName): string {
  const c = row.cells.find((x) => x.env === env);
  if (!c?.summary) return c?.failures ? `failed (${c.failures})` : '–';
  const s = c.summary;
  const unit = METRICS[row.metric].unit;
  const spread = s.n > 1 ? `<br><small>${formatNumber(s.min)}–${formatNumber(s.max)}, CV ${pct(s.cv)}</small>` : '';
  return `${formatNumber(s.median)} ${unit}${spread}`;
}

function ratioCell(row: Row, env: EnvName): string {
  const v = row.cells.find((x) => x.env === env)?.verdict;
  if (!v) return '–';
  const bold = v.kind === 'faster' || v.kind === 'slower';
  return bold ? `**${v.text}**` : v.text;
}

export function benchTable(results: BenchResults, rows: Row[]): string {
  const envs = availableEnvs(results);
  const others = envs.filter((e) => e !== 'host');
  const head = ['Workload', 'What', ...envs.map((e) => ENV_LABELS[e]), ...others.map((e) => `${ENV_LABELS[e]} / host`)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    lines.push(
      `| ${WORKLOAD_TITLES[r.workload]} | ${r.label} | ${envs.map((e) => valueCell(r, e)).join(' | ')} | ${others.map((e) => ratioCell(r, e)).join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** The lab asks for CPU *total time*: the same number of events in each environment, how long it took. */
export function cpuTotalTime(results: BenchResults, rows: Row[]): string | undefined {
  const cpu = rows.find((r) => r.variant === 'cpu');
  const amount = results.runs.find((r) => r.variant === 'cpu' && !r.warmup && r.amount)?.amount;
  if (!cpu || !amount) return undefined;
  const parts = availableEnvs(results)
    .filter((e) => cpu.totalTimeS[e] !== undefined)
    .map((e) => `${ENV_LABELS[e]} ${(cpu.totalTimeS[e] as number).toFixed(3)} s`);
  return `CPU total time for the same ${amount.toLocaleString('en-US')} events (median): ${parts.join(' · ')}.`;
}

export function describeRun(results: BenchResults): string {
  const p = results.profile;
  const m = results.machine;
  return [
    `Mode **${results.mode}**: ${p.reps} measured runs per workload and environment, interleaved, each a fixed amount of work of about ${p.targetS} s on the host (calibrated by ${p.warmupS >= 1 ? `a ${p.warmupS} s warm-up` : 'a short warm-up'}); fileio on ${p.files.files} files of ${p.files.totalSize} in total.`,
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${Math.round(m.memoryMiB / 1024)} GiB, Linux ${m.kernel}, sysbench ${m.sysbench ?? '?'}.`,
    `Started ${results.startedAt}, took ${results.durationS.toFixed(1)} s.`,
  ].join(' ');
}

export function describeLimits(l: SeenCgroupLimits | undefined): string | undefined {
  if (!l) return undefined;
  const parts = [
    l.cpus !== undefined ? `${Number(l.cpus.toFixed(2))} CPU` : undefined,
    l.memoryBytes !== undefined ? `${Math.round(l.memoryBytes / 2 ** 20)} MiB of memory` : undefined,
    l.pidsMax !== undefined ? `${l.pidsMax} processes` : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}

export function environmentList(results: BenchResults): string {
  return results.environments
    .map((e) => {
      if (!e.available) return `- **${ENV_LABELS[e.name]}**: not measured: ${e.note}${e.install ? `. Install: \`${e.install}\`` : ''}`;
      const limits = describeLimits(results.runs.find((r) => r.env === e.name && !r.warmup && r.limits)?.limits);
      return `- **${ENV_LABELS[e.name]}**: ${e.description ?? ''}${limits ? ` (cgroup limits seen while it ran: ${limits})` : ''}`;
    })
    .join('\n');
}

export function renderMarkdown(results: BenchResults, rows: Row[], opts: { chart?: string } = {}): string {
  const parts = [
    '# sysbench: host, our container, LXC',
    '',
    describeRun(results),
    '',
    environmentList(results),
    '',
    "Each cell: median, then the range of the runs and their coefficient of variation (CV). The ratio is the median of the environment over the host's (higher is faster); a difference is only called one when it exceeds twice the combined noise and the runs do not overlap.",
    '',
    benchTable(results, rows),
    '',
  ];
  const cpu = cpuTotalTime(results, rows);
  if (cpu) parts.push(cpu, '');
  if (opts.chart) parts.push(`![Speed relative to the host](${opts.chart})`, '');
  parts.push('## Observations', '', ...observations(results, rows).map((o) => `- ${o}`), '');
  return parts.join('\n');
}
