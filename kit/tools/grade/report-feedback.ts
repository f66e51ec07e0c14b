// Per-student feedback in Markdown: the same verdicts, expected/seen values,
// hints and pages the student sees from `npm run check` (kit/tools/check/print.ts),
// so feedback and local practice agree. Values a submission influenced are
// put in code spans or escaped, so they cannot inject links or HTML.

import type { AssertionResult, CheckResult } from '../check/types.ts';
import { pageLink, type StudentView } from './view.ts';

const MARK: Record<AssertionResult['status'], string> = {
  pass: '✅',
  fail: '❌',
  'not-attempted': '⭕',
  error: '⚠️',
  skipped: '➖',
};
const VERDICT: Record<CheckResult['status'], string> = {
  pass: 'pass',
  fail: 'fail',
  'not-attempted': 'not done',
  error: 'error',
  'not-graded': 'not graded on this machine',
};

/** Text that may contain anything: escaped so Markdown and HTML stay inert. */
export function mdText(s: string, max = 500): string {
  // eslint-disable-next-line no-control-regex
  const one = s.replace(/\r?\n/g, ' ⏎ ').replace(/[\u0000-\u001f\u007f]/g, '?');
  const cut = one.length > max ? `${one.slice(0, max)}…` : one;
  return cut.replace(/[\\`*_{}[\]()<>#+!|~&]/g, (c) => `\\${c}`);
}

/** A code span that holds any text: the fence is longer than any backtick run inside. */
export function mdCode(s: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const one = s.replace(/\r?\n/g, '⏎').replace(/[\u0000-\u001f\u007f]/g, '?');
  const cut = one.length > max ? `${one.slice(0, max)}…` : one;
  const longest = Math.max(0, ...(cut.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = cut.startsWith('`') || cut.endsWith('`') || cut === '' ? ' ' : '';
  return `${fence}${pad}${cut}${pad}${fence}`;
}

/** The instructor's own text (names, hints from the checks): kept as Markdown, on one line. */
const trusted = (s: string) => s.replace(/\s*\n\s*/g, ' ');

const link = (page: string, siteUrl?: string) => {
  const href = pageLink(page, siteUrl);
  return `[${mdText(href)}](<${href.replace(/[<>\s]/g, encodeURIComponent)}>)`;
};

function stepSection(r: CheckResult, siteUrl?: string): string[] {
  const lines = [`## Step ${r.step}: ${trusted(r.title)} (${r.score}/${r.maxScore}, ${VERDICT[r.status]})`, ''];
  let shown: string | undefined;
  for (const a of r.assertions) {
    const pts = a.status === 'skipped' ? 'not graded' : `${a.status === 'pass' ? a.points : 0}/${a.points}`;
    lines.push(`- ${MARK[a.status]} ${trusted(a.name)} (${pts})`);
    if (a.status === 'fail') {
      if (a.expected !== undefined) lines.push(`  - expected: ${mdCode(a.expected)}`);
      if (a.seen !== undefined) lines.push(`  - seen: ${mdCode(a.seen)}`);
      if (a.message) lines.push(`  - ${mdText(a.message)}`);
      lines.push(`  - hint: ${trusted(a.hint)}`);
      lines.push(`  - read: ${link(a.page, siteUrl)}`);
    } else if ((a.status === 'not-attempted' || a.status === 'error' || a.status === 'skipped') && a.message && a.message !== shown) {
      // one reason (a TODO, a crash) covers the assertions after it: say it once, as `npm run check` does
      shown = a.message;
      lines.push(`  - ${mdText(a.message)}`);
      lines.push(`  - read: ${link(a.page, siteUrl)}`);
    }
  }
  lines.push('');
  return lines;
}

export function renderFeedback(v: StudentView, opts: { siteUrl?: string; course?: string } = {}): string {
  const who = v.studentId ? `${mdText(v.name)} (${mdText(v.studentId)})` : mdText(v.name);
  const lines = [`# ${mdText(opts.course ?? 'Container workshop')}: feedback for ${who}`, ''];
  lines.push(`**Score: ${v.totals.score} / ${v.totals.maxScore} (${v.totals.percent} %)**`, '');
  if (v.status === 'rejected') {
    lines.push(`Your submission could not be graded: ${mdText(v.reason ?? 'unknown reason')}.`, '');
    lines.push('Make a fresh one with `npm run submit` and hand in the zip file it prints, unchanged.', '');
  }
  if (v.results.length) {
    lines.push('| Step | Result | Points |', '|---|---|---|');
    for (const r of v.results)
      lines.push(
        `| ${r.step}. ${trusted(r.title).replace(/\|/g, '\\|')} | ${VERDICT[r.status]} | ${r.status === 'not-graded' ? '-' : `${r.score}/${r.maxScore}`} |`,
      );
    lines.push('');
  }
  if (v.status === 'graded') for (const r of v.results) lines.push(...stepSection(r, opts.siteUrl));
  lines.push('To see this yourself: `npm run check N` runs the same checks on your machine.', '');
  return lines.join('\n');
}
