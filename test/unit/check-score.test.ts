// One rule for a check's points and status, used by the check itself
// (framework.ts) and by the grader reading a child's output (parse-result.ts):
// both must say the same of the same assertions.
import { describe, expect, it } from 'vitest';
import { scoreOf, statusOf } from '../../kit/tools/check/score.ts';
import type { AssertionStatus } from '../../kit/tools/check/types.ts';

const of = (...statuses: AssertionStatus[]) => statuses.map((status) => ({ status, points: 2 }));

describe("a check's status and score", () => {
  it('pass when every counted assertion passed; skipped ones count for neither', () => {
    expect(statusOf(of('pass', 'skipped'), false)).toBe('pass');
    expect(scoreOf(of('pass', 'skipped', 'fail'))).toEqual({ score: 2, maxScore: 4 });
  });
  it('not attempted when no counted assertion was', () => {
    expect(statusOf(of('not-attempted', 'skipped', 'not-attempted'), true)).toBe('not-attempted');
  });
  it('fail when part was done and a TODO stopped the rest, whoever reads it', () => {
    expect(statusOf(of('pass', 'not-attempted'), false)).toBe('fail');
    expect(statusOf(of('pass', 'not-attempted'), true)).toBe('fail');
  });
  it('fail when an assertion failed, even if the check then stopped on an error', () => {
    expect(statusOf(of('pass', 'fail', 'error'), true)).toBe('fail');
  });
  it('error only when the check stopped on an error with nothing failed', () => {
    expect(statusOf(of('pass', 'error'), true)).toBe('error');
    expect(statusOf(of('pass', 'error'), false)).toBe('fail');
  });
});
