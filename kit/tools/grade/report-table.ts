// The terminal table printed at the end of `npm run grade`.

import chalk from 'chalk';
import type { CheckResult } from '../check/types.ts';
import { notGradedSteps } from './not-graded.ts';
import { stepColumns, type StudentView } from './view.ts';

const COLOR: Record<CheckResult['status'], (s: string) => string> = {
  pass: chalk.green,
  fail: chalk.red,
  'not-attempted': chalk.gray,
  error: chalk.magenta,
  'not-graded': chalk.gray,
};

// strip ANSI sequences so that colored cells still line up
// eslint-disable-next-line no-control-regex
const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - visible(s)));
// names come from manifests: no control characters onto the instructor's terminal
// eslint-disable-next-line no-control-regex
const clean = (s: string, max: number) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, max);

export function renderTable(views: StudentView[]): string {
  const steps = stepColumns(views);
  const header = ['student', ...steps.map((s) => `step ${s.step}`), 'total', '%', 'note'];
  const rows = views.map((v) => {
    const byStep = new Map(v.results.map((r) => [r.step, r]));
    const cells = steps.map((s) => {
      const r = byStep.get(s.step);
      return r ? COLOR[r.status](r.status === 'not-graded' ? 'not graded' : `${r.score}/${r.maxScore}`) : '-';
    });
    const note = v.status === 'rejected' ? chalk.red(`rejected: ${clean(v.reason ?? '', 60)}`) : clean(v.notes[0] ?? '', 60);
    const name = v.name === v.key ? v.key : `${v.key} (${v.name})`;
    return [clean(name, 32), ...cells, `${v.totals.score}/${v.totals.maxScore}`, String(v.totals.percent), note];
  });
  const widths = header.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i]))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]))
      .join('  ')
      .trimEnd();
  const out = [chalk.bold(line(header)), ...rows.map(line)];
  if (views.length) {
    const pct = views.map((v) => v.totals.percent).sort((a, b) => a - b);
    const mean = pct.reduce((s, p) => s + p, 0) / pct.length;
    const median = pct.length % 2 ? pct[(pct.length - 1) / 2] : (pct[pct.length / 2 - 1] + pct[pct.length / 2]) / 2;
    const rejected = views.filter((v) => v.status === 'rejected').length;
    out.push(
      '',
      `${views.length} submission(s), mean ${mean.toFixed(1)} %, median ${median.toFixed(1)} %${rejected ? `, ${rejected} rejected` : ''}`,
    );
    for (const { step, reason: why } of notGradedSteps(views))
      out.push(chalk.yellow(`step ${step} not graded on this machine: ${clean(why, 300)}`));
  }
  return out.join('\n');
}
