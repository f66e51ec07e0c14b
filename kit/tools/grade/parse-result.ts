// Reading a grading child's output without trusting it. The child runs the
// student's code in-process, so its stdout may carry the student's prints
// before (or around) the JSON the check command writes last. We take the last
// JSON array on stdout, keep only what the instructor's catalog knows (ids,
// statuses), take names, points, hints and pages from the catalog, cap every
// string, and recompute the scores ourselves.

import { scoreOf, statusOf } from '../check/score.ts';
import type { AssertionResult, AssertionStatus, CheckResult } from '../check/types.ts';
import type { StepCatalog } from './catalog.ts';

const STATUSES: AssertionStatus[] = ['pass', 'fail', 'not-attempted', 'error', 'skipped'];
const MAX_TEXT = 2000;

const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? (v.length > MAX_TEXT ? `${v.slice(0, MAX_TEXT)}…` : v) : undefined;

/** The last top-level JSON array printed on stdout, or undefined. */
export function lastJsonArray(stdout: string): unknown[] | undefined {
  const whole = stdout.trim();
  try {
    const v: unknown = JSON.parse(whole);
    if (Array.isArray(v)) return v;
  } catch {
    // mixed output: look for the last line that opens an array
  }
  const lines = stdout.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].trim() !== '[' && !lines[i].startsWith('[{')) continue;
    try {
      const v: unknown = JSON.parse(lines.slice(i).join('\n'));
      if (Array.isArray(v)) return v;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** The step's result as the catalog allows it, or a reason why there is none. */
export function trustedResult(parsed: unknown[] | undefined, cat: StepCatalog, stepsDir: string, durationMs: number): CheckResult | string {
  if (!parsed) return 'the check printed no results';
  const raw = parsed.find(
    (r): r is Record<string, unknown> => !!r && typeof r === 'object' && (r as Record<string, unknown>).step === cat.step,
  );
  if (!raw) return `the check's output has no result for step ${cat.step}`;
  const seen = new Map<string, Record<string, unknown>>();
  if (Array.isArray(raw.assertions)) {
    for (const a of raw.assertions as unknown[]) {
      if (a && typeof a === 'object' && typeof (a as Record<string, unknown>).id === 'string') {
        const rec = a as Record<string, unknown>;
        if (!seen.has(rec.id as string)) seen.set(rec.id as string, rec);
      }
    }
  }
  const assertions: AssertionResult[] = cat.assertions.map((spec) => {
    const got = seen.get(spec.id);
    if (!got) return { ...spec, status: 'error', message: "missing from the check's output" };
    let status = STATUSES.includes(got.status as AssertionStatus) ? (got.status as AssertionStatus) : 'error';
    // only the grading mode skips, and only what the instructor's check marks as a benchmark
    if (status === 'skipped' && !spec.benchmark) status = 'error';
    const out: AssertionResult = { ...spec, status };
    const expected = text(got.expected);
    const seenValue = text(got.seen);
    const message = text(got.message);
    if (expected !== undefined) out.expected = expected;
    if (seenValue !== undefined) out.seen = seenValue;
    if (message !== undefined) out.message = message;
    if (got.inconclusive === true) out.inconclusive = true;
    return out;
  });
  const { score, maxScore } = scoreOf(assertions);
  // the child's own crash is not known here: only its assertions' statuses
  const status = statusOf(assertions, true);
  return { step: cat.step, title: cat.title, stepsDir, status, assertions, score, maxScore, durationMs };
}
