// Check results for the watcher and the menu: only what changed since the last
// run, and error messages that point at the student's own line.

import type { ChalkInstance } from 'chalk';
import type { AssertionResult, CheckResult } from '../check/types.ts';
import { docLink } from '../../core/paths.ts';
import type { Change, CheckDiff } from './diff.ts';

const VERDICT: Record<CheckResult['status'], (c: ChalkInstance) => string> = {
  pass: (c) => c.green('PASS'),
  fail: (c) => c.red('FAIL'),
  'not-attempted': (c) => c.gray('NOT DONE'),
  error: (c) => c.magenta('ERROR'),
  'not-graded': (c) => c.gray('NOT GRADED'),
};

export const verdict = (r: CheckResult, c: ChalkInstance): string => VERDICT[r.status](c);

/**
 * Make an error message teach: the student's file:line stands out, and the
 * errno name of a failed child operation (ChildOpError) too.
 */
export function teach(message: string, c: ChalkInstance): string {
  return message
    .replace(/(?:[\w.-]+\/)?\d\d-[\w-]+\.ts:\d+(?::\d+)?/g, (where) => c.bold.underline(where))
    .replace(/(failed in the container: )(E[A-Z0-9]+)/, (_, lead: string, errno: string) => `${lead}${c.red.bold(errno)}`);
}

/** The lines under an assertion that does not pass: what was seen, the hint, the page. */
function details(a: AssertionResult, c: ChalkInstance, pad: string): string[] {
  const out: string[] = [];
  if (a.status === 'fail') {
    if (a.expected !== undefined) out.push(`${pad}expected: ${a.expected}`);
    if (a.seen !== undefined) out.push(`${pad}seen:     ${a.seen}`);
    if (a.message) out.push(`${pad}${teach(a.message, c)}`);
    out.push(`${pad}hint:     ${a.hint}`);
    out.push(`${pad}read:     ${docLink(a.page)}`);
  } else if (a.message) {
    out.push(`${pad}${a.status === 'error' ? c.magenta(teach(a.message, c)) : teach(a.message, c)}`);
    out.push(`${pad}read:     ${docLink(a.page)}`);
  }
  return out;
}

const LABEL: Record<AssertionResult['status'], (c: ChalkInstance) => string> = {
  pass: (c) => c.green('✓ now passes'),
  fail: (c) => c.red('✗ now fails '),
  'not-attempted': (c) => c.gray('○ not done  '),
  error: (c) => c.magenta('! error     '),
  skipped: (c) => c.gray('- skipped   '),
};

/**
 * Only what changed. Passing and failing assertions one by one; assertions
 * that could not run (not done, error) share one reason: it is said once, for
 * the group.
 */
export function formatDiff(d: CheckDiff, c: ChalkInstance): string {
  const lines: string[] = [];
  const groups = new Map<string, Change[]>();
  for (const ch of d.changes) {
    const a = ch.after;
    if (a.status === 'pass' || a.status === 'fail' || a.status === 'skipped') {
      const label = ch.kind === 'changed' ? c.yellow('~ still fails') : LABEL[a.status](c);
      lines.push(`  ${label} ${a.name}`, ...details(a, c, '      '));
      continue;
    }
    const key = `${a.status}\n${a.message ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), ch]);
  }
  for (const group of groups.values()) {
    const a = group[0].after;
    const other = group.every((ch) => ch.kind === 'changed') ? (a.status === 'error' ? ' (another one)' : ' (another TODO)') : '';
    const what = group.length === 1 ? a.name : `${group.length} assertions could not run`;
    lines.push(`  ${LABEL[a.status](c)} ${what}${c.gray(other)}`, ...details(a, c, '      '));
  }
  const r = d.after;
  const was = d.before ? c.gray(` (was ${d.before.score}/${d.before.maxScore} ${stripVerdict(d.before)})`) : '';
  if (lines.length === 0) lines.push(c.gray('  nothing changed since the last run'));
  lines.push(`  score ${r.score}/${r.maxScore}  ${verdict(r, c)}${was}`);
  return lines.join('\n');
}

const stripVerdict = (r: CheckResult): string =>
  ({ pass: 'PASS', fail: 'FAIL', 'not-attempted': 'NOT DONE', error: 'ERROR', 'not-graded': 'NOT GRADED' })[r.status];

/** What is in the way right now: the first assertion that does not pass, with its details. */
export function formatBlocker(r: CheckResult, c: ChalkInstance): string | undefined {
  const a = r.assertions.find((x) => x.status !== 'pass' && x.status !== 'skipped');
  if (!a) return undefined;
  return [`  next: ${a.name}`, ...details(a, c, '      ')].join('\n');
}
