// One rule for points, shared by the checks, the grader and its reports: a
// passed assertion earns its points, and a skipped one (a benchmark in grading
// mode, a step not graded on this machine) is worth nothing either way.

import type { AssertionResult } from './types.ts';

export function scoreOf(assertions: readonly Pick<AssertionResult, 'status' | 'points'>[]): { score: number; maxScore: number } {
  return {
    score: assertions.filter((a) => a.status === 'pass').reduce((s, a) => s + a.points, 0),
    maxScore: assertions.filter((a) => a.status !== 'skipped').reduce((s, a) => s + a.points, 0),
  };
}
