// What watch mode and the menu say about a check: only what changed, shared
// reasons once, and error messages that point at the student's line.

import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { AssertionResult, CheckResult } from '../../kit/tools/check/types.ts';
import { formatBlocker, formatDiff, teach } from '../../kit/tools/ux/check-view.ts';
import { diffResults } from '../../kit/tools/ux/diff.ts';

const plain = new Chalk({ level: 0 });
const spec = (id: string): Omit<AssertionResult, 'status'> => ({
  id,
  name: `assertion ${id}`,
  points: 1,
  hint: `hint ${id}`,
  page: `/steps/01-pid#${id}`,
});
const result = (statuses: Record<string, Partial<AssertionResult> & { status: AssertionResult['status'] }>): CheckResult => {
  const assertions = Object.entries(statuses).map(([id, a]) => ({ ...spec(id), ...a }));
  const score = assertions.filter((a) => a.status === 'pass').length;
  const status =
    score === assertions.length
      ? 'pass'
      : assertions.some((a) => a.status === 'fail')
        ? 'fail'
        : assertions.every((a) => a.status === 'not-attempted')
          ? 'not-attempted'
          : 'error';
  return { step: 1, title: 'step one', stepsDir: '/x/steps', status, assertions, score, maxScore: assertions.length, durationMs: 1 };
};

describe('diffResults / formatDiff', () => {
  it('lists the assertions that flipped, and only those', () => {
    const before = result({ a: { status: 'pass' }, b: { status: 'fail', seen: '1' }, c: { status: 'pass' } });
    const after = result({ a: { status: 'pass' }, b: { status: 'pass' }, c: { status: 'fail', expected: 'x', seen: 'y' } });
    const d = diffResults(before, after);
    expect(d.changes.map((c) => [c.after.id, c.kind])).toEqual([
      ['b', 'flipped'],
      ['c', 'flipped'],
    ]);
    const text = formatDiff(d, plain);
    expect(text).toContain('✓ now passes assertion b');
    expect(text).toContain('✗ now fails  assertion c');
    expect(text).toMatch(/expected: x\n\s+seen: {5}y\n\s+hint: {5}hint c\n\s+read: {5}site\/steps\/01-pid\.md#c/);
    expect(text).not.toContain('assertion a');
    expect(text).toMatch(/score 2\/3 {2}FAIL \(was 2\/3 FAIL\)$/);
  });

  it('says a reason shared by several assertions once, and notices another reason', () => {
    const load = 'steps/01-pid.ts could not be loaded: Expected ")" at steps/01-pid.ts:32:39';
    const childOp =
      'mount(NULL, "/", NULL, MS_REC | MS_PRIVATE | MS_NOSUID, NULL) failed in the container: EINVAL (built at steps/01-pid.ts:28)';
    const e1 = result({ a: { status: 'error', message: load }, b: { status: 'error', message: load } });
    const e2 = result({ a: { status: 'error', message: childOp }, b: { status: 'error', message: childOp } });
    const first = formatDiff(diffResults(result({ a: { status: 'pass' }, b: { status: 'pass' } }), e1), plain);
    expect(first.match(/could not be loaded/g)).toHaveLength(1);
    expect(first).toContain('! error      2 assertions could not run');
    const second = formatDiff(diffResults(e1, e2), plain);
    expect(second).toContain('2 assertions could not run (another one)');
    expect(second).toContain('EINVAL (built at steps/01-pid.ts:28)');
  });

  it('says nothing changed, and formatBlocker names what is in the way', () => {
    const r = result({ a: { status: 'pass' }, b: { status: 'fail', expected: 'x', seen: 'y' } });
    expect(formatDiff(diffResults(r, r), plain)).toMatch(/nothing changed since the last run/);
    expect(formatBlocker(r, plain)).toMatch(/next: assertion b\n\s+expected: x/);
    expect(formatBlocker(result({ a: { status: 'pass' } }), plain)).toBeUndefined();
  });
});

describe('teach', () => {
  it("makes the student's file:line and the errno stand out", () => {
    const c = new Chalk({ level: 1 });
    const text = teach('mount(...) failed in the container: EINVAL (built at steps/02-mount.ts:41)', c);
    expect(text).toContain(c.bold.underline('steps/02-mount.ts:41'));
    expect(text).toContain(c.red.bold('EINVAL'));
    expect(teach('plain words', c)).toBe('plain words');
  });
});
