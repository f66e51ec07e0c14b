// One student's grade as every report shows it: weights applied, totals
// computed, a display name picked. Reports are pure functions of these views.

import type { CheckResult } from '../check/types.ts';
import { docLink } from '../../core/paths.ts';
import type { StudentGrade } from './types.ts';
import { applyWeights, totals, type Totals, type Weights } from './weights.ts';

export interface StudentView {
  key: string;
  /** the manifest's name, else the key */
  name: string;
  studentId?: string;
  source: string;
  sha256: string;
  status: StudentGrade['status'];
  reason?: string;
  notes: string[];
  results: CheckResult[];
  totals: Totals;
  durationMs: number;
  gradedAt: string;
}

export function viewOf(g: StudentGrade, weights: Weights = {}): StudentView {
  const results = applyWeights(g.results, weights);
  return {
    key: g.key,
    name: g.manifest?.studentName ?? g.key,
    studentId: g.manifest?.studentId,
    source: g.source,
    sha256: g.sha256,
    status: g.status,
    reason: g.reason,
    notes: g.notes,
    results,
    totals: totals(results),
    durationMs: g.durationMs,
    gradedAt: g.gradedAt,
  };
}

/** A link to a site page: the published site when its URL is known, else the page's source file. */
export function pageLink(page: string, siteUrl?: string): string {
  if (!siteUrl) return docLink(page);
  return siteUrl.replace(/\/+$/, '') + (page.startsWith('/') ? page : `/${page}`);
}

/** The steps that appear in any result, in order (columns of the table and the CSV). */
export function stepColumns(views: StudentView[]): { step: number; title: string }[] {
  const seen = new Map<number, string>();
  for (const v of views) for (const r of v.results) if (!seen.has(r.step)) seen.set(r.step, r.title);
  return [...seen].sort((a, b) => a[0] - b[0]).map(([step, title]) => ({ step, title }));
}
