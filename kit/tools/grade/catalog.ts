// What each step's check can assert, from the instructor's own checks/: the
// grader's source of truth for names, points, hints and pages. A child's
// output is matched against it (see parse-result.ts), and a step that never
// produced output still gets one failed line per assertion.

import type { AssertionResult, AssertionSpec, CheckResult } from '../check/types.ts';
import { checkFiles, loadCheck } from '../check/registry.ts';

export interface StepCatalog {
  step: number;
  title: string;
  page: string;
  assertions: AssertionSpec[];
}

export type Catalog = Map<number, StepCatalog>;

export async function loadCatalog(checksDir?: string): Promise<Catalog> {
  const out: Catalog = new Map();
  for (const { step } of checkFiles(checksDir)) {
    const def = await loadCheck(step, checksDir);
    if (!def) continue;
    out.set(step, { step, title: def.title, page: def.page, assertions: def.assertions.map((a) => ({ ...a })) });
  }
  return out;
}

/** A step that produced no usable result: every assertion with the same status and reason. */
export function blanketResult(
  cat: StepCatalog,
  status: 'error' | 'not-attempted' | 'fail',
  message: string,
  stepsDir = '',
  durationMs = 0,
): CheckResult {
  const assertions: AssertionResult[] = cat.assertions.map((a) => ({ ...a, status, message }));
  return {
    step: cat.step,
    title: cat.title,
    stepsDir,
    status: status === 'fail' ? 'fail' : status,
    assertions,
    score: 0,
    maxScore: cat.assertions.reduce((s, a) => s + a.points, 0),
    durationMs,
  };
}
