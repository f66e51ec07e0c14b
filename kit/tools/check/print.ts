// A check's results as a student reads them in the terminal.

import chalk from 'chalk';
import path from 'node:path';
import { docLink, projectRoot } from '../../core/paths.ts';
import type { AssertionResult, CheckResult } from './types.ts';

const MARK: Record<AssertionResult['status'], string> = {
  pass: chalk.green('✓'),
  fail: chalk.red('✗'),
  'not-attempted': chalk.gray('○'),
  error: chalk.magenta('!'),
  skipped: chalk.gray('-'),
};

export function formatResult(r: CheckResult): string {
  const lines: string[] = [];
  const where = path.relative(projectRoot, r.stepsDir) || r.stepsDir;
  lines.push(chalk.bold(`Step ${r.step} · ${r.title}`) + chalk.gray(`  (${where}/, ${r.durationMs} ms)`));
  let shownMessage: string | undefined;
  for (const a of r.assertions) {
    const pts = `${a.status === 'pass' ? a.points : 0}/${a.points}`;
    lines.push(`  ${MARK[a.status]} ${a.name.padEnd(60)} ${chalk.gray(pts)}`);
    if (a.status === 'fail') {
      if (a.expected !== undefined) lines.push(`      expected: ${a.expected}`);
      if (a.seen !== undefined) lines.push(`      seen:     ${a.seen}`);
      if (a.message) lines.push(`      ${a.message}`);
      lines.push(`      hint:     ${a.hint}`);
      lines.push(`      read:     ${docLink(a.page)}`);
    } else if ((a.status === 'not-attempted' || a.status === 'error') && a.message && a.message !== shownMessage) {
      // the same reason applies to every assertion after it: say it once
      shownMessage = a.message;
      lines.push(`      ${a.status === 'error' ? chalk.magenta(a.message) : chalk.gray(a.message)}`);
      lines.push(`      read:     ${docLink(a.page)}`);
    }
  }
  const verdict = {
    pass: chalk.green('PASS'),
    fail: chalk.red('FAIL'),
    'not-attempted': chalk.gray('NOT DONE'),
    error: chalk.magenta('ERROR'),
    'not-graded': chalk.gray('NOT GRADED'),
  }[r.status];
  lines.push(`  score ${r.score}/${r.maxScore}  ${verdict}`);
  return lines.join('\n');
}
