// grades.csv: one row per student, RFC 4180 quoting. Names and reasons come
// from untrusted manifests, so text that a spreadsheet would run as a formula
// (=, +, -, @ at the start) is prefixed with an apostrophe.

import { notGradedReason } from './not-graded.ts';
import { stepColumns, type StudentView } from './view.ts';

export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let s = value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(views: StudentView[]): string {
  const steps = stepColumns(views);
  // a step not graded on this machine: "not graded" in its column, the reason in not_graded
  const header = [
    'student',
    'name',
    'id',
    'status',
    ...steps.map((s) => `step${s.step}`),
    'score',
    'max_score',
    'percent',
    'reason',
    'notes',
    'not_graded',
    'source',
    'sha256',
  ];
  const rows = views.map((v) => {
    const byStep = new Map(v.results.map((r) => [r.step, r]));
    return [
      v.key,
      v.name,
      v.studentId,
      v.status,
      ...steps.map((s) => {
        const r = byStep.get(s.step);
        return r?.status === 'not-graded' ? 'not graded' : r?.score;
      }),
      v.totals.score,
      v.totals.maxScore,
      v.totals.percent,
      v.reason,
      v.notes.join('; ') || undefined,
      v.results
        .flatMap((r) => {
          const why = notGradedReason(r);
          return why === undefined ? [] : [`step ${r.step}: ${why}`];
        })
        .join('; ') || undefined,
      v.source,
      v.sha256,
    ];
  });
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
