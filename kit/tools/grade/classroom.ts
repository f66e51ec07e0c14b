// GitHub Classroom autograding output. Classroom's reporter action
// (classroom-resources/autograding-grading-reporter) reads, for each runner id
// listed in its `runners` input, an environment variable <ID>_RESULTS holding
// base64 of a "runner result" JSON:
//   { version: 1, status: 'pass'|'fail'|'error', max_score, tests: [{ name, status, score, message, test_code, filename, line_no, duration }] }
// The grade Classroom records is the sum of tests[].score over max_score
// (a runner whose max_score is 0 is left out of the total).
// We emit one runner per step (ids step1, step2 ...), one test per assertion.
// A skipped assertion (a benchmark in grading mode, a step not graded on this
// machine) is a passing test worth 0 points, named "(not graded)".
//
// Size: the reporter's step gets each runner's result in ONE environment
// variable, and Linux refuses (E2BIG) to exec a program with one environment
// string ("NAME=value\0") longer than MAX_ARG_STRLEN, 32 pages = 128 KiB. So
// the base64 text is capped in bytes: the tests' details are cut, per test,
// with a "[truncated: ...]" marker that says what was cut; names, statuses
// and scores are never cut.

import fs from 'node:fs';
import { scoreOf } from '../check/score.ts';
import type { AssertionResult, CheckResult } from '../check/types.ts';
import { renderFeedback } from './report-feedback.ts';
import { pageLink, viewOf } from './view.ts';
import type { StudentGrade } from './types.ts';

export interface ClassroomTest {
  name: string;
  status: 'pass' | 'fail' | 'error';
  score: number;
  message: string;
  /** the reporter prints this under the test: we put expected/seen/hint there */
  test_code?: string;
  filename: string;
  /** the reporter prints " - line N" unless this is 0 */
  line_no: number;
  duration: number;
}

export interface ClassroomRunnerResult {
  version: 1;
  status: 'pass' | 'fail' | 'error';
  max_score: number;
  tests: ClassroomTest[];
}

export const runnerId = (step: number): string => `step${step}`;

function testOf(r: CheckResult, a: AssertionResult, siteUrl?: string): ClassroomTest {
  if (a.status === 'skipped') {
    return {
      name: `Step ${r.step} · ${a.name} (not graded)`,
      status: 'pass',
      score: 0,
      message: a.message ?? 'not graded',
      filename: '',
      line_no: 0,
      duration: 0,
    };
  }
  const name = `Step ${r.step} · ${a.name}`;
  const status = a.status === 'pass' ? 'pass' : a.status === 'error' ? 'error' : 'fail';
  const detail: string[] = [];
  if (a.expected !== undefined) detail.push(`expected: ${a.expected}`);
  if (a.seen !== undefined) detail.push(`seen:     ${a.seen}`);
  if (a.message) detail.push(a.message);
  if (a.status !== 'pass') detail.push(`hint:     ${a.hint}`, `read:     ${pageLink(a.page, siteUrl)}`);
  // the reporter shows only `message` for errors, and only the name otherwise
  const message =
    a.status === 'pass'
      ? ''
      : a.status === 'error'
        ? `${name}: ${a.message ?? 'the check could not run'}`
        : (a.message ?? (a.seen !== undefined ? `seen ${a.seen}` : 'failed'));
  return {
    name,
    status,
    score: a.status === 'pass' ? a.points : 0,
    message,
    ...(a.status === 'pass' ? {} : { test_code: detail.join('\n') }),
    filename: '',
    line_no: 0,
    duration: 0,
  };
}

export function toRunnerResult(r: CheckResult, opts: { siteUrl?: string } = {}): ClassroomRunnerResult {
  const tests = r.assertions.map((a) => testOf(r, a, opts.siteUrl));
  const status = tests.every((t) => t.status === 'pass') ? 'pass' : tests.some((t) => t.status === 'fail') ? 'fail' : 'error';
  return { version: 1, status, max_score: scoreOf(r.assertions).maxScore, tests };
}

/** Linux's MAX_ARG_STRLEN: the longest single argument or environment string execve() takes, NUL included. */
export const MAX_ARG_STRLEN = 128 * 1024;

/** The environment variable the reporter reads a runner's result from (its src/main.js). */
export const resultsEnvName = (runner: string): string => `${runner.trim().toUpperCase()}_RESULTS`;

/** Bytes of base64 text that fit in `NAME=value\0` for this runner. */
export const maxEncodedBytes = (runner: string): number => MAX_ARG_STRLEN - Buffer.byteLength(`${resultsEnvName(runner)}=`) - 1;

const base64 = (r: ClassroomRunnerResult): string => Buffer.from(JSON.stringify(r), 'utf8').toString('base64');

/** The first `max` bytes of `s` as UTF-8, never half a character. */
export function cutUtf8(s: string, max: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= max) return s;
  let end = Math.max(0, max);
  // step back over continuation bytes (10xxxxxx) to a character boundary
  while (end > 0 && (b[end] & 0xc0) === 0x80) end--;
  return b.subarray(0, end).toString('utf8');
}

function cutField(s: string, max: number, what: string): string {
  const bytes = Buffer.byteLength(s, 'utf8');
  if (bytes <= max) return s;
  const kept = cutUtf8(s, max);
  return `${kept} [truncated: ${bytes - Buffer.byteLength(kept, 'utf8')} of ${bytes} bytes of this ${what} cut, GitHub passes at most 128 KiB per runner; the whole text is in the "Checks" step's log]`;
}

/**
 * Base64 of the runner result, at most `maxBytes` long: when the whole result
 * does not fit, every test's message and details are cut to the same, smaller
 * and smaller budget (each cut says so) until it does.
 */
export function encodeRunnerResult(r: ClassroomRunnerResult, maxBytes = maxEncodedBytes('step1')): string {
  const whole = base64(r);
  if (whole.length <= maxBytes) return whole;
  for (const budget of [16384, 4096, 1024, 256, 64, 0]) {
    const cut: ClassroomRunnerResult = {
      ...r,
      tests: r.tests.map((t) => ({
        ...t,
        message: cutField(t.message, budget, 'message'),
        ...(t.test_code !== undefined ? { test_code: cutField(t.test_code, budget, 'detail') } : {}),
      })),
    };
    const enc = base64(cut);
    if (enc.length <= maxBytes) return enc;
  }
  throw new Error(`the runner result of ${r.tests.length} tests does not fit in ${maxBytes} bytes even without details`);
}

/**
 * Write `step<N>=<base64>` outputs for the reporter (to $GITHUB_OUTPUT, or to
 * stdout outside Actions) and the student's feedback to $GITHUB_STEP_SUMMARY.
 */
export function emitClassroom(results: CheckResult[], env: NodeJS.ProcessEnv = process.env, opts: { siteUrl?: string } = {}): string[] {
  const lines = results.map((r) => `${runnerId(r.step)}=${encodeRunnerResult(toRunnerResult(r, opts), maxEncodedBytes(runnerId(r.step)))}`);
  if (env.GITHUB_OUTPUT) fs.appendFileSync(env.GITHUB_OUTPUT, `${lines.join('\n')}\n`);
  else process.stdout.write(`${lines.join('\n')}\n`);
  if (env.GITHUB_STEP_SUMMARY) {
    const grade: StudentGrade = {
      key: env.GITHUB_REPOSITORY ?? 'submission',
      source: env.GITHUB_REPOSITORY ?? '.',
      sha256: env.GITHUB_SHA ?? '',
      status: 'graded',
      results,
      notes: [],
      gradedAt: new Date().toISOString(),
      durationMs: results.reduce((s, r) => s + r.durationMs, 0),
    };
    fs.appendFileSync(env.GITHUB_STEP_SUMMARY, renderFeedback(viewOf(grade), opts));
  }
  return lines;
}
