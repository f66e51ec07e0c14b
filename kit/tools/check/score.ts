// One rule for points and for a check's status, shared by the checks, the
// grader and its reports: a passed assertion earns its points, and a skipped
// one (a benchmark in grading mode, a step not graded on this machine) is
// worth nothing either way and does not count towards the status.

import type { AssertionResult, CheckResult } from './types.ts';

export function scoreOf(assertions: readonly Pick<AssertionResult, 'status' | 'points'>[]): { score: number; maxScore: number } {
  return {
    score: assertions.filter((a) => a.status === 'pass').reduce((s, a) => s + a.points, 0),
    maxScore: assertions.filter((a) => a.status !== 'skipped').reduce((s, a) => s + a.points, 0),
  };
}

/**
 * A check's status from its assertions: pass when every counted one passed,
 * not-attempted when none was, fail when one failed or was not attempted or
 * the check ran to its end, error only when it stopped on an error with
 * nothing failed (the kit, the machine or a crash, not the student's answer).
 */
export function statusOf(assertions: readonly Pick<AssertionResult, 'status'>[], stoppedOnError: boolean): CheckResult['status'] {
  const counted = assertions.filter((a) => a.status !== 'skipped');
  if (counted.every((a) => a.status === 'pass')) return 'pass';
  if (counted.every((a) => a.status === 'not-attempted')) return 'not-attempted';
  if (counted.some((a) => a.status === 'fail' || a.status === 'not-attempted') || !stoppedOnError) return 'fail';
  return 'error';
}
