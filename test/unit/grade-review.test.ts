// The grader's review flags: none on the reference (whose steps now kill a v1
// cgroup's processes and name setns in a seccomp deny list), each one on a step
// file that does what it describes.

import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reviewNotes } from '../../kit/tools/grade/review.ts';
import { solutionsDir } from '../../kit/core/paths.ts';
import { listStepFiles } from '../../kit/core/steps.ts';

const one = (text: string): string[] => reviewNotes({ steps: [{ step: 1, file: '01-pid.ts', data: Buffer.from(text) }] });

describe('the grader flags code for the instructor to read', () => {
  it('flags nothing in the reference solutions', () => {
    const steps = listStepFiles(solutionsDir).map((f) => ({
      step: f.id,
      file: `${String(f.id).padStart(2, '0')}-${f.name}.ts`,
      data: fs.readFileSync(f.file),
    }));
    expect(steps.length).toBeGreaterThanOrEqual(7);
    expect(reviewNotes({ steps })).toEqual([]);
  });

  it.each([
    ['process.stdout.write("{}")', /stdout\/stderr/],
    ['process.exit(0)', /ends the checker's process/],
    ["process.on('exit', () => {})", /process-wide handlers/],
    ["import x from '../kit/tools/check/framework.ts'", /check framework/],
    ["import { defineCheck } from '../kit/check.ts'", /check context/],
    ['setns(fd, 0)', /enters other namespaces/],
    ["fs.readlinkSync('/proc/1/ns/mnt')", /enters other namespaces/],
    ['Object.defineProperty(JSON, "stringify", {})', /patches globals/],
  ])('flags %s', (code, why) => {
    expect(one(code).join('\n')).toMatch(why);
  });
});
