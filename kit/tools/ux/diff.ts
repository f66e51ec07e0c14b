// What changed between two runs of a check: the assertions that flipped
// (pass <-> fail), and those whose reason or observed value changed.

import type { AssertionResult, CheckResult } from '../check/types.ts';

export interface Change {
  before?: AssertionResult;
  after: AssertionResult;
  /** 'flipped': status changed; 'changed': same status, other reason or value */
  kind: 'flipped' | 'changed';
}

export interface CheckDiff {
  before?: CheckResult;
  after: CheckResult;
  changes: Change[];
}

export function diffResults(before: CheckResult | undefined, after: CheckResult): CheckDiff {
  const prev = new Map((before?.assertions ?? []).map((a) => [a.id, a]));
  const changes: Change[] = [];
  for (const a of after.assertions) {
    const b = prev.get(a.id);
    if (!b || b.status !== a.status) changes.push({ before: b, after: a, kind: 'flipped' });
    else if (a.status !== 'pass' && (b.message !== a.message || b.seen !== a.seen)) changes.push({ before: b, after: a, kind: 'changed' });
  }
  return { before, after, changes };
}
