// A step "not graded on this machine": the grader's reference run failed it
// here, so no student is graded on it (a broken machine must not cost anyone
// points), and every report says so with the reason.

import type { CheckResult } from '../check/types.ts';
import type { StepCatalog } from './catalog.ts';
import type { StudentView } from './view.ts';

/** The message every assertion of a step not graded on this machine carries. */
export const notGradedMessage = (reason: string): string => `not graded on this machine: ${reason}`;

/**
 * A step the grader does not grade here (its reference solution fails on
 * this machine): every assertion skipped with the reason, worth 0 of 0 points.
 */
export function notGradedResult(cat: StepCatalog, reason: string): CheckResult {
  return {
    step: cat.step,
    title: cat.title,
    stepsDir: '',
    status: 'not-graded',
    assertions: cat.assertions.map((a) => ({ ...a, status: 'skipped', message: notGradedMessage(reason) })),
    score: 0,
    maxScore: 0,
    durationMs: 0,
  };
}

/** Why a step was not graded, or undefined when it was. */
export function notGradedReason(r: CheckResult): string | undefined {
  if (r.status !== 'not-graded') return undefined;
  const m = r.assertions.find((a) => a.message)?.message ?? '';
  return m.startsWith('not graded on this machine: ') ? m.slice('not graded on this machine: '.length) : m || 'not graded on this machine';
}

/** Every step some student has as not graded, once, with its reason. */
export function notGradedSteps(views: StudentView[]): { step: number; reason: string }[] {
  const seen = new Map<number, string>();
  for (const v of views) {
    for (const r of v.results) {
      const why = notGradedReason(r);
      if (why !== undefined && !seen.has(r.step)) seen.set(r.step, why);
    }
  }
  return [...seen].sort((a, b) => a[0] - b[0]).map(([step, reason]) => ({ step, reason }));
}
