// The GitHub Classroom runner result, validated against what the reporter
// action reads. The reporter (classroom-resources/autograding-grading-reporter,
// src/main.js, src/helpers/test-helpers.js, src/notify-classroom.js,
// src/console-results.js) is not a dependency of the kit, so its reading rules
// are restated here, each one as the reporter applies it:
//  - `runners` must match /^([a-zA-Z0-9]+,)*[a-zA-Z0-9]+$/;
//  - runner R's payload is env `${R.trim().toUpperCase()}_RESULTS`, base64 of JSON;
//  - results.status 'fail' or 'error' fails the job;
//  - the grade sent to Classroom is sum(tests[].score) over sum(max_score),
//    runners with a falsy max_score are left out;
//  - the log shows test.name per test, test.message for status 'error',
//    " - line N" unless line_no === 0, and test_code when present.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AssertionResult, CheckResult } from '../../kit/tools/check/types.ts';
import {
  MAX_ARG_STRLEN,
  cutUtf8,
  emitClassroom,
  encodeRunnerResult,
  maxEncodedBytes,
  resultsEnvName,
  runnerId,
  toRunnerResult,
  type ClassroomRunnerResult,
} from '../../kit/tools/grade/classroom.ts';

const RUNNERS_PATTERN = /^([a-zA-Z0-9]+,)*[a-zA-Z0-9]+$/;

/** How the reporter turns its inputs into runner results. */
function reporterRead(runners: string, env: Record<string, string | undefined>): { runner: string; results: ClassroomRunnerResult }[] {
  if (!RUNNERS_PATTERN.test(runners)) throw new Error('The runners input must be a comma-separated list of strings.');
  return runners.split(',').map((runner) => {
    const encoded = env[`${runner.trim().toUpperCase()}_RESULTS`];
    if (encoded === undefined) throw new Error(`no ${runner.toUpperCase()}_RESULTS`);
    return { runner, results: JSON.parse(Buffer.from(encoded, 'base64').toString('utf-8')) as ClassroomRunnerResult };
  });
}

/** The points the reporter sends to Classroom. */
function reporterPoints(all: { results: ClassroomRunnerResult }[]): { totalPoints: number; maxPoints: number } {
  let totalPoints = 0;
  let maxPoints = 0;
  for (const { results } of all) {
    if (!results.max_score) continue;
    maxPoints += results.max_score;
    for (const t of results.tests) totalPoints += t.score;
  }
  return { totalPoints, maxPoints };
}

/** Field types the reporter relies on (it would print "undefined" or throw otherwise). */
function assertShape(r: ClassroomRunnerResult): void {
  expect(r.version).toBe(1);
  expect(['pass', 'fail', 'error']).toContain(r.status);
  expect(typeof r.max_score).toBe('number');
  expect(Array.isArray(r.tests)).toBe(true);
  expect(r.tests.length).toBeGreaterThan(0); // getTestScore divides by tests.length
  for (const t of r.tests) {
    expect(typeof t.name).toBe('string');
    expect(['pass', 'fail', 'error']).toContain(t.status);
    expect(typeof t.score).toBe('number');
    expect(typeof t.message).toBe('string');
    expect(t.line_no).toBe(0);
    if (t.status === 'error') expect(t.message.length).toBeGreaterThan(0);
  }
}

const a = (id: string, points: number, status: AssertionResult['status'], extra: Partial<AssertionResult> = {}): AssertionResult => ({
  id,
  name: `assertion ${id}`,
  points,
  hint: `hint ${id}`,
  page: `/steps/01-pid#${id}`,
  status,
  ...extra,
});
const check = (step: number, assertions: AssertionResult[], status: CheckResult['status']): CheckResult => ({
  step,
  title: `step ${step}`,
  stepsDir: '/x',
  status,
  assertions,
  score: assertions.filter((x) => x.status === 'pass').reduce((s, x) => s + x.points, 0),
  maxScore: assertions.reduce((s, x) => s + x.points, 0),
  durationMs: 10,
});

const results: CheckResult[] = [
  check(1, [a('pid1', 2, 'pass'), a('hostname', 1, 'fail', { expected: 'cw-1', seen: 'debian' }), a('ipcns', 3, 'pass')], 'fail'),
  check(2, [a('pivot', 3, 'not-attempted', { message: 'Not done yet: TODO "pivot"' })], 'not-attempted'),
  check(3, [a('veth', 2, 'error', { message: 'the check did not finish within 60 s' })], 'error'),
  check(4, [a('mem', 4, 'pass')], 'pass'),
];

describe('GitHub Classroom runner results', () => {
  it("is read by the reporter as we mean it: one runner per step, our score is Classroom's", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-grade-classroom-'));
    try {
      const env = { GITHUB_OUTPUT: path.join(dir, 'out'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md') };
      emitClassroom(results, env);
      // $GITHUB_OUTPUT lines become steps.<id>.outputs.<name>; the workflow maps them to <RUNNER>_RESULTS
      const outputs = Object.fromEntries(
        fs
          .readFileSync(env.GITHUB_OUTPUT, 'utf8')
          .trim()
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      const runners = results.map((r) => runnerId(r.step)).join(',');
      const reporterEnv = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [`${k.toUpperCase()}_RESULTS`, v]));
      const read = reporterRead(runners, reporterEnv);
      read.forEach((r) => assertShape(r.results));
      expect(read.map((r) => r.results.status)).toEqual(['fail', 'fail', 'error', 'pass']);
      expect(reporterPoints(read)).toEqual({ totalPoints: 2 + 3 + 4, maxPoints: 6 + 3 + 2 + 4 });
      const summary = fs.readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8');
      expect(summary).toContain('hint: hint hostname');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('puts what a student needs where the reporter prints it', () => {
    const r = toRunnerResult(results[0]);
    const failed = r.tests.find((t) => t.status === 'fail');
    expect(failed?.test_code).toContain('expected: cw-1');
    expect(failed?.test_code).toContain('seen:     debian');
    expect(failed?.test_code).toContain('hint:     hint hostname');
    expect(r.tests.find((t) => t.status === 'pass')?.test_code).toBeUndefined();
    const err = toRunnerResult(results[2]).tests[0];
    expect(err.message).toMatch(/^Step 3 · assertion veth: the check did not finish/);
  });

  it('a skipped assertion is a passing test worth 0 of 0 points', () => {
    const r = toRunnerResult(
      check(5, [a('read', 2, 'pass'), a('cpu-ratio', 1, 'skipped', { message: 'not graded in grading mode' })], 'pass'),
    );
    assertShape(r);
    expect(r.status).toBe('pass');
    expect(r.max_score).toBe(2);
    const skipped = r.tests.find((t) => t.name.includes('cpu-ratio'));
    expect(skipped).toMatchObject({ status: 'pass', score: 0, message: 'not graded in grading mode' });
    expect(skipped?.name).toMatch(/\(not graded\)$/);
  });

  it('runner ids are what the reporter accepts', () => {
    for (let s = 1; s <= 9; s++) expect(RUNNERS_PATTERN.test(runnerId(s))).toBe(true);
  });
});

describe('the payload fits in one environment variable (Linux MAX_ARG_STRLEN)', () => {
  // 40 failing assertions whose messages a student's code filled: 3-byte characters, so
  // a cap counted in characters would let 3 times too many bytes through
  const huge = check(
    2,
    Array.from({ length: 40 }, (_, i) =>
      a(`a${i}`, 1, i % 5 === 0 ? 'pass' : 'fail', { expected: 'x', seen: '€'.repeat(20_000), message: `m${i} ${'€'.repeat(5_000)}` }),
    ),
    'fail',
  );
  const runner = runnerId(2);
  const decode = `const r = JSON.parse(Buffer.from(process.env.${resultsEnvName(runner)}, 'base64').toString('utf-8')); process.stdout.write(JSON.stringify({ n: r.tests.length, max: r.max_score }));`;

  it('caps the base64 text in bytes, says what was cut, keeps every name, status and score', () => {
    const enc = encodeRunnerResult(toRunnerResult(huge), maxEncodedBytes(runner));
    expect(Buffer.byteLength(`${resultsEnvName(runner)}=${enc}`) + 1).toBeLessThanOrEqual(MAX_ARG_STRLEN);
    const [read] = reporterRead(runner, { [resultsEnvName(runner)]: enc });
    assertShape(read.results);
    const whole = toRunnerResult(huge);
    expect(read.results.tests.map((t) => [t.name, t.status, t.score])).toEqual(whole.tests.map((t) => [t.name, t.status, t.score]));
    expect(reporterPoints([read])).toEqual({ totalPoints: 8, maxPoints: 40 });
    const cut = read.results.tests.find((t) => t.status === 'fail');
    expect(cut?.test_code).toMatch(/\[truncated: \d+ of \d+ bytes of this detail cut/);
    expect(cut?.message).toMatch(/\[truncated: \d+ of \d+ bytes of this message cut/);
    // no half character where it was cut
    expect(read.results.tests.map((t) => `${t.message}${t.test_code ?? ''}`).join('')).not.toContain('\uFFFD');
  });

  it('a real exec (what the runner does to start the reporter) takes the capped payload, and refuses the uncapped one', () => {
    const enc = encodeRunnerResult(toRunnerResult(huge), maxEncodedBytes(runner));
    const ok = spawnSync(process.execPath, ['-e', decode], { env: { [resultsEnvName(runner)]: enc }, encoding: 'utf8' });
    expect(ok.error).toBeUndefined();
    expect(JSON.parse(ok.stdout)).toEqual({ n: 40, max: 40 });
    // without the cap: E2BIG, the reporter never starts (this is what the cap is for)
    const whole = Buffer.from(JSON.stringify(toRunnerResult(huge))).toString('base64');
    expect(whole.length).toBeGreaterThan(MAX_ARG_STRLEN);
    const refused = spawnSync(process.execPath, ['-e', decode], { env: { [resultsEnvName(runner)]: whole }, encoding: 'utf8' });
    expect((refused.error as NodeJS.ErrnoException | undefined)?.code).toBe('E2BIG');
  });

  it('leaves a result that fits untouched, and never cuts a character in half', () => {
    const small = toRunnerResult(results[0]);
    expect(encodeRunnerResult(small)).toBe(Buffer.from(JSON.stringify(small)).toString('base64'));
    expect(cutUtf8('a€b', 2)).toBe('a');
    expect(cutUtf8('a€b', 4)).toBe('a€');
    expect(cutUtf8('abc', 10)).toBe('abc');
  });
});

describe('the workflow for the assignment template', () => {
  it('lists a runner for each step whose output it passes on, under the names the reporter looks up', () => {
    const yml = fs.readFileSync(path.join(import.meta.dirname, '../../classroom/classroom.yml'), 'utf8');
    const runners = /^\s*runners:\s*(\S+)\s*$/m.exec(yml)?.[1] ?? '';
    expect(RUNNERS_PATTERN.test(runners)).toBe(true);
    const ids = runners.split(',');
    expect(ids).toEqual([1, 2, 3, 4, 5].map(runnerId));
    for (const id of ids) {
      // env <ID>_RESULTS must carry the output the converter writes under the same id
      expect(yml).toContain(`${id.toUpperCase()}_RESULTS: "\${{ steps.checks.outputs.${id} }}"`);
    }
    expect(yml).toMatch(/id: checks\n/);
    expect(yml).toContain('node .build/kit/tools/grade/classroom-report.js checks.json --steps 1-5');
    // step 5's benchmark only when the instructor asks for it
    expect(yml).toMatch(/^\s*CW_BENCH: ""$/m);
    expect(yml).toContain('mode=--grading; [ "$CW_BENCH" = "true" ] && mode=""');
    expect(yml).toMatch(/check --json --yes \$mode/);
    // actions on a supported Node runtime (checkout and setup-node v5 run on node24)
    const uses = [...yml.matchAll(/uses: (actions\/[\w-]+)@v(\d+)/g)];
    expect(uses.length).toBeGreaterThanOrEqual(3);
    for (const [, name, major] of uses) expect(Number(major), name).toBeGreaterThanOrEqual(5);
    // a private template: the checkout of the trusted kit takes the PAT secret
    expect(yml).toContain('token: ${{ secrets.CW_TRUSTED_KIT_TOKEN || github.token }}');
    expect(yml).toContain('npm ci');
    expect(yml).toMatch(/apt-get install[^\n]*busybox-static/);
  });
});
