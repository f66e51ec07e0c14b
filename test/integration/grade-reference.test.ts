// A step whose reference solution fails on this machine is "not graded on
// this machine" for everyone, with the reason, and the other steps are still
// graded (issue 13, 2). Before, one failing step made the grader refuse the
// whole class. The failing reference is made here: its step 3 is the skeleton.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gradeRun, parseGradeArgs } from '../../kit/tools/grade/command.ts';
import type { GradesJson } from '../../kit/tools/grade/report-json.ts';
import { solutionsDir, stateDir, stepsDir } from '../../kit/core/paths.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-grade-reference-'));
const work = path.join(stateDir(), `grade-reference-test-${crypto.randomBytes(3).toString('hex')}`);
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

const stepFiles = (dir: string) => fs.readdirSync(dir).filter((f) => /^\d\d-[\w-]+\.ts$/.test(f));

describe('a step whose reference fails on this machine', () => {
  it('is not graded, with the reason, and the other steps are', async () => {
    const reference = path.join(tmp, 'reference');
    fs.mkdirSync(reference);
    for (const f of stepFiles(solutionsDir))
      fs.copyFileSync(path.join(f.startsWith('03-') ? stepsDir : solutionsDir, f), path.join(reference, f));
    const student = path.join(tmp, 'subs', 'complete', 'steps');
    fs.mkdirSync(student, { recursive: true });
    for (const f of stepFiles(solutionsDir)) fs.copyFileSync(path.join(solutionsDir, f), path.join(student, f));
    const out = path.join(tmp, 'out');

    const o = {
      ...parseGradeArgs([path.join(tmp, 'subs', 'complete'), '--out', out, '--steps', '1,3', '--timeout', '60', '--work', work, '--quiet']),
      referenceDir: reference,
    };
    const { grades } = await gradeRun(o);

    expect(grades).toHaveLength(1);
    const [step1, step3] = grades[0].results;
    expect(step1.status).toBe('pass');
    expect(step1.score).toBe(step1.maxScore);
    expect(step3.status).toBe('not-graded');
    expect(step3.maxScore).toBe(0);
    expect(step3.assertions[0].message).toMatch(
      /^not graded on this machine: the reference solution fails here \(setup, netns, [\w, -]+: the step is the skeleton, unchanged\)$/,
    );
    const doc = JSON.parse(fs.readFileSync(path.join(out, 'grades.json'), 'utf8')) as GradesJson;
    expect(doc.notGraded.map((n) => n.step)).toEqual([3]);
    expect(doc.students[0].totals.percent).toBe(100);
    expect(fs.readFileSync(path.join(out, 'junit.xml'), 'utf8')).toContain(
      '<skipped message="not graded on this machine: the reference solution fails here',
    );
  }, 300_000);
});
