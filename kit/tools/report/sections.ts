// The parts of the report the kit writes: the container as the checks saw
// it, what the kit observed of each step (its check, its trace), the
// benchmark (table, chart, observations). Pure: data in, Markdown out.

import { benchTable, cpuTotalTime, describeLimits, describeRun, environmentList } from '../bench/markdown.ts';
import { observations } from '../bench/observations.ts';
import { NAMESPACES } from '../bench/probe.ts';
import { tabulate, type BenchResults } from '../bench/results.ts';
import type { CheckResult } from '../check/types.ts';
import type { TraceSummary } from './evidence.ts';

const mdCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const MARK: Record<string, string> = { pass: '✓', fail: '✗', 'not-attempted': '○', error: '!', skipped: '–' };

export function containerSection(checks: CheckResult[], bench: BenchResults | undefined, note?: string): string {
  const parts: string[] = [];
  if (checks.length) {
    parts.push(
      'What the checks saw from the host while the container ran (`npm run check`): each line is a fact read from the kernel (namespace inodes, mount tables, links, cgroup files), not what the container says about itself.',
      '',
      '| Step | What | Result |',
      '|---|---|---|',
      ...checks.map((c) => `| ${c.step} | ${mdCell(c.title)} | ${MARK[c.status] ?? ''} ${c.score}/${c.maxScore} (${c.status}) |`),
      '',
    );
    parts.push('Section 2 has what each check saw, step by step.', '');
  } else {
    parts.push(`_${note ?? 'The checks were not run.'}_`, '');
  }
  const seen = benchFacts(bench);
  if (seen) parts.push('**Seen while the benchmark ran** (read from /proc/PID of sysbench in each environment)', '', seen, '');
  return parts.join('\n');
}

/** Namespaces, cgroup, limits and working-directory filesystem of the container's sysbench, next to the host's. */
export function benchFacts(r: BenchResults | undefined): string | undefined {
  if (!r) return undefined;
  const run = r.runs.find((x) => x.env === 'container' && !x.warmup && x.nsIds);
  if (!run?.nsIds) return undefined;
  const lines: string[] = [];
  const differ = NAMESPACES.filter((n) => run.nsIds?.[n] && run.nsIds[n] !== r.host.nsIds[n]);
  const shared = NAMESPACES.filter((n) => run.nsIds?.[n] && run.nsIds[n] === r.host.nsIds[n]);
  lines.push(
    `- namespaces of its own: ${differ.map((n) => `\`${run.nsIds?.[n]}\``).join(', ') || 'none'}${shared.length ? `; shared with the host: ${shared.join(', ')}` : ''}`,
  );
  const own = run.cgroup?.split('\n').filter((l) => l && !r.host.cgroup.split('\n').includes(l));
  if (own?.length) lines.push(`- cgroup: ${own.map((l) => `\`${l}\``).join(', ')}`);
  const limits = describeLimits(run.limits);
  if (limits) lines.push(`- limits: ${limits}`);
  const file = r.runs.find((x) => x.env === 'container' && x.variant.startsWith('fileio') && x.cwdFs)?.cwdFs;
  if (file)
    lines.push(`- fileio's files: ${file.fstype ?? '?'} from ${file.source ?? file.dev}, mounted on ${file.mountPoint ?? '?'} inside`);
  return lines.join('\n');
}

export interface StepEvidence {
  id: number;
  title: string;
  /** the check's result, run now or remembered from the last `npm run check` */
  check?: CheckResult & { at?: string };
  trace?: TraceSummary;
}

const TRACE_ROWS = 25;

/** What the kit observed of one step: the check's assertions and what the container really did. */
export function stepEvidenceSection(e: StepEvidence): string {
  const parts: string[] = [];
  if (e.check) {
    const c = e.check;
    parts.push(
      `**What the check saw from the host** (${MARK[c.status] ?? ''} ${c.score}/${c.maxScore}, ${c.status}${c.at ? `, checked ${c.at.slice(0, 16).replace('T', ' ')} UTC` : ''}):`,
      '',
    );
    for (const a of c.assertions) {
      const seen = a.seen ? ` — seen: ${mdInline(a.seen)}` : '';
      const expected = a.status === 'fail' && a.expected ? ` (expected: ${mdInline(a.expected)})` : '';
      const message = a.status !== 'pass' && a.message ? ` — ${mdInline(a.message)}` : '';
      parts.push(`- ${MARK[a.status] ?? ''} ${mdInline(a.name)}${seen}${expected}${message}`);
    }
  } else {
    parts.push(
      `_Not checked yet: run \`npm run check ${e.id}\` (or \`npm run report\` without --no-checks), then \`npm run report\` again._`,
    );
  }
  parts.push('');
  if (e.trace) {
    const t = e.trace;
    const kinds = Object.entries(t.byKind)
      .map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`)
      .join(', ');
    parts.push(
      `**What your container did** (its last run${t.at ? `, ${t.at.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}: \`npm run step ${e.id} -- --trace\` shows it all): ${t.events} events (${kinds || 'none'})${t.failed.length ? `, ${t.failed.length} failed` : ', all succeeded'}.`,
      '',
    );
    const rows = (t.mine.length ? t.mine : t.failed).slice(0, TRACE_ROWS);
    if (rows.length) {
      parts.push(
        t.mine.length ? 'What your step file asked for, in order:' : 'What failed:',
        '',
        '| phase | what | result | your line |',
        '|---|---|---|---|',
      );
      for (const r of rows)
        parts.push(
          `| ${r.phase} | \`${mdCell(r.what).replace(/`/g, "'")}\` | ${r.ok ? '✓' : '✗'} ${mdCell(r.result)} | ${r.origin ? `\`${mdCell(r.origin)}\`` : ''} |`,
        );
      const more = (t.mine.length ? t.mine : t.failed).length - rows.length;
      if (more > 0) parts.push('', `_… and ${more} more (\`npm run step ${e.id} -- --trace\`)._`);
      parts.push('');
    }
  } else {
    parts.push(
      `_No trace of step ${e.id}'s container yet: run \`npm run step ${e.id} -- --trace -- true\`, then \`npm run report\` again._`,
      '',
    );
  }
  return parts.join('\n');
}

/** One line of Markdown from any text: no line breaks, no table pipes. */
const mdInline = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();

export function benchSection(r: BenchResults | undefined, chart: string | undefined): string {
  if (!r) return '_No benchmark results yet: run `npm run bench` (or `npm run bench -- --quick`), then `npm run report` again._';
  const rows = tabulate(r);
  const parts = [describeRun(r), '', environmentList(r), '', benchTable(r, rows), ''];
  const cpu = cpuTotalTime(r, rows);
  if (cpu) parts.push(cpu, '');
  if (chart) parts.push(`![Speed relative to the host](${chart})`, '');
  parts.push(
    "Each cell: median, then the range of the runs and their coefficient of variation (CV). A ratio is the environment's median over the host's (higher is faster); a difference is only called one when it exceeds twice the combined noise and the runs do not overlap.",
  );
  return parts.join('\n');
}

export function observationsSection(r: BenchResults | undefined): string {
  if (!r) return "_Observations come from the benchmark's numbers: run `npm run bench` first._";
  return observations(r, tabulate(r))
    .map((o) => `- ${o}`)
    .join('\n');
}
