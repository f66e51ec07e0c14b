// The parts of the report the kit writes: the container as the checks saw
// it, the steps and why (from each step file's own header comment), the
// benchmark (table, chart, observations). Pure: data in, Markdown out.

import { benchTable, cpuTotalTime, describeLimits, describeRun, environmentList } from '../bench/markdown.ts';
import { observations } from '../bench/observations.ts';
import { NAMESPACES } from '../bench/probe.ts';
import { tabulate, type BenchResults } from '../bench/results.ts';
import type { CheckResult } from '../check/types.ts';

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
    for (const c of checks) {
      parts.push(`**Step ${c.step} · ${c.title}**`, '');
      for (const a of c.assertions) {
        const seen = a.seen ? ` — seen: ${a.seen}` : '';
        const expected = a.status === 'fail' && a.expected ? ` (expected: ${a.expected})` : '';
        const message = a.status !== 'pass' && a.message ? ` — ${a.message}` : '';
        parts.push(`- ${MARK[a.status] ?? ''} ${a.name}${seen}${expected}${message}`);
      }
      parts.push('');
    }
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
  lines.push(`- namespaces of its own: ${differ.map((n) => `\`${run.nsIds?.[n]}\``).join(', ') || 'none'}${shared.length ? `; shared with the host: ${shared.join(', ')}` : ''}`);
  const own = run.cgroup?.split('\n').filter((l) => l && !r.host.cgroup.split('\n').includes(l));
  if (own?.length) lines.push(`- cgroup: ${own.map((l) => `\`${l}\``).join(', ')}`);
  const limits = describeLimits(run.limits);
  if (limits) lines.push(`- limits: ${limits}`);
  const file = r.runs.find((x) => x.env === 'container' && x.variant.startsWith('fileio') && x.cwdFs)?.cwdFs;
  if (file) lines.push(`- fileio's files: ${file.fstype ?? '?'} from ${file.source ?? file.dev}, mounted on ${file.mountPoint ?? '?'} inside`);
  return lines.join('\n');
}

export interface StepText {
  id: number;
  title: string;
  /** the file's header comment, as paragraphs */
  why: string;
}

/** The leading comment block of a step file, without the `//`, as Markdown paragraphs. */
export function headerComment(source: string): string {
  const out: string[] = [];
  for (const line of source.split('\n')) {
    const m = /^\/\/ ?(.*)$/.exec(line);
    if (!m) break;
    out.push(m[1]);
  }
  // "Step 2: a root filesystem ..." -> "A root filesystem ..." (the heading already says which step)
  if (out[0] !== undefined) out[0] = out[0].replace(/^Step \d+:\s*(.)/, (_, c: string) => c.toUpperCase());
  return out
    .join('\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter(Boolean)
    .join('\n\n');
}

export function stepsSection(steps: StepText[]): string {
  if (!steps.length) return '_No step files found._';
  return steps.map((s) => `### Step ${s.id}: ${s.title}\n\n${s.why || '_(no description in the step file)_'}`).join('\n\n');
}

export function benchSection(r: BenchResults | undefined, chart: string | undefined): string {
  if (!r) return '_No benchmark results yet: run `npm run bench` (or `npm run bench -- --quick`), then `npm run report` again._';
  const rows = tabulate(r);
  const parts = [describeRun(r), '', environmentList(r), '', benchTable(r, rows), ''];
  const cpu = cpuTotalTime(r, rows);
  if (cpu) parts.push(cpu, '');
  if (chart) parts.push(`![Speed relative to the host](${chart})`, '');
  parts.push(
    'Each cell: median, then the range of the runs and their coefficient of variation (CV). A ratio is the environment\'s median over the host\'s (higher is faster); a difference is only called one when it exceeds twice the combined noise and the runs do not overlap.',
  );
  return parts.join('\n');
}

export function observationsSection(r: BenchResults | undefined): string {
  if (!r) return '_Observations come from the benchmark\'s numbers: run `npm run bench` first._';
  return observations(r, tabulate(r))
    .map((o) => `- ${o}`)
    .join('\n');
}
