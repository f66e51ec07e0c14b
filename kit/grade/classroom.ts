// GitHub Classroom autograding output. Classroom's reporter action
// (classroom-resources/autograding-grading-reporter) reads, for each runner id
// listed in its `runners` input, an environment variable <ID>_RESULTS holding
// base64 of a "runner result" JSON:
//   { version: 1, status: 'pass'|'fail'|'error', max_score, tests: [{ name, status, score, message, test_code, filename, line_no, duration }] }
// The grade Classroom records is the sum of tests[].score over max_score.
// We emit one runner per step (ids step1, step2 ...), one test per assertion.

import fs from 'node:fs';
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
  const name = `Step ${r.step} · ${a.name}`;
  const status = a.status === 'pass' ? 'pass' : a.status === 'error' ? 'error' : 'fail';
  const detail: string[] = [];
  if (a.expected !== undefined) detail.push(`expected: ${a.expected}`);
  if (a.seen !== undefined) detail.push(`seen:     ${a.seen}`);
  if (a.message) detail.push(a.message);
  if (a.status !== 'pass') detail.push(`hint:     ${a.hint}`, `read:     ${pageLink(a.page, siteUrl)}`);
  // the reporter shows only `message` for errors, and only the name otherwise
  const message = a.status === 'pass' ? '' : a.status === 'error' ? `${name}: ${a.message ?? 'the check could not run'}` : (a.message ?? (a.seen !== undefined ? `seen ${a.seen}` : 'failed'));
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
  return { version: 1, status, max_score: r.assertions.reduce((s, a) => s + a.points, 0), tests };
}

export const encodeRunnerResult = (r: ClassroomRunnerResult): string => Buffer.from(JSON.stringify(r)).toString('base64');

/**
 * Write `step<N>=<base64>` outputs for the reporter (to $GITHUB_OUTPUT, or to
 * stdout outside Actions) and the student's feedback to $GITHUB_STEP_SUMMARY.
 */
export function emitClassroom(results: CheckResult[], env: NodeJS.ProcessEnv = process.env, opts: { siteUrl?: string } = {}): string[] {
  const lines = results.map((r) => `${runnerId(r.step)}=${encodeRunnerResult(toRunnerResult(r, opts))}`);
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
