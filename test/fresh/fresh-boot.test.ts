// The instructor's and the student's main flows on a freshly booted machine
// (test/fresh/fresh-boot.ts): no /run/netns, /run on the root filesystem, no
// kit LXC container, an empty state folder, a cold tsx cache. Nothing an
// earlier run left on this machine can make these pass.
// Before the fix of issue 13 (1), the grading test failed here: the
// reference's step 3 died with "mkdir /run/netns failed: Read-only file
// system" and `npm run grade` refused the class.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GradesJson } from '../../kit/tools/grade/report-json.ts';
import { solutionsDir, stepsDir } from '../../kit/core/paths.ts';
import { freshMachine, loopsUnder, type FreshRun } from './fresh-boot.ts';

const machines: ReturnType<typeof freshMachine>[] = [];
afterAll(() => {
  for (const m of machines) m.remove();
});

const show = (r: FreshRun) =>
  `exit ${r.code} after ${Math.round(r.ms / 1000)} s\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-6000)}`;

function copySteps(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(from)) if (/^\d\d-[\w-]+\.ts$/.test(f)) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

describe('on a freshly booted machine', () => {
  it("the student's flow works: step 1, then check 1, 2 and 3", async () => {
    const m = freshMachine('student');
    machines.push(m);
    const step = await m.kit(['step', '1', '--solution', '--', 'sh', '-c', 'echo $$; hostname'], { timeoutMs: 120_000 });
    expect(step.code, show(step)).toBe(0);
    expect(step.stdout.trim().split('\n'), show(step)).toEqual(['1', 'container']);
    for (const n of [1, 2, 3]) {
      const r = await m.kit(['check', String(n), '--solution', '--json'], { timeoutMs: 200_000 });
      expect(r.code, show(r)).toBe(0);
      const [res] = JSON.parse(r.stdout) as { status: string; score: number; maxScore: number }[];
      expect(res.status, show(r)).toBe('pass');
      expect(res.score).toBe(res.maxScore);
    }
    expect(loopsUnder([m.stateDir, m.tmpDir])).toEqual([]);
  }, 600_000);

  it('`npm run grade` with default options grades a complete and a skeleton submission', async () => {
    const m = freshMachine('grade');
    machines.push(m);
    const subs = path.join(m.stateDir, '..', 'subs');
    const out = path.join(m.stateDir, '..', 'out');
    copySteps(solutionsDir, path.join(subs, 'complete', 'steps'));
    copySteps(stepsDir, path.join(subs, 'skeleton', 'steps'));
    const r = await m.kit(['grade', path.join(subs, 'complete'), path.join(subs, 'skeleton'), '--out', out], { timeoutMs: 900_000 });
    expect(r.code, show(r)).toBe(0);
    const doc = JSON.parse(fs.readFileSync(path.join(out, 'grades.json'), 'utf8')) as GradesJson;
    const byKey = new Map(doc.students.map((s) => [s.key, s]));
    const complete = byKey.get('complete');
    const skeleton = byKey.get('skeleton');
    expect(complete?.status, show(r)).toBe('graded');
    const why = (step: number) => doc.notGraded.find((n) => n.step === step)?.reason ?? '';
    for (const res of complete?.results ?? []) {
      if (res.step <= 3 || (res.step === 4 && !/too busy/.test(why(4)))) {
        // full marks on steps 1-4 (step 4 measures CPU shares: on a machine shared with
        // other people's runs its reference may honestly be "too busy to tell", not graded)
        expect(`${res.step}: ${res.status} ${res.score}/${res.maxScore}`, show(r)).toBe(
          `${res.step}: pass ${res.maxScore}/${res.maxScore}`,
        );
      } else if (res.step === 4) {
        expect(res.status).toBe('not-graded');
        process.stderr.write(`step 4 not graded on this busy machine: ${why(4)}\n`);
      } else {
        // step 5: graded (in its grading mode) or honestly marked as not graded here
        expect(['pass', 'not-graded'], show(r)).toContain(res.status);
        if (res.status === 'not-graded') expect(doc.notGraded.find((n) => n.step === res.step)?.reason).toBeTruthy();
      }
    }
    expect(complete?.results.map((x) => x.step)).toEqual([1, 2, 3, 4, 5]); // 6 and 7 are optional: weight 0, not run by default
    expect(skeleton?.totals.score).toBe(0);
    expect(skeleton?.results.every((x) => x.status === 'not-attempted' || x.status === 'not-graded')).toBe(true);
    for (const f of ['grades.csv', 'junit.xml', 'feedback/complete.md', 'feedback/skeleton.md'])
      expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    // the grader's workspaces are gone, and nothing of it is left attached
    expect(fs.readdirSync(path.join(m.stateDir, 'grade')).filter((d) => !d.startsWith('.'))).toEqual([]);
    expect(loopsUnder([m.stateDir, m.tmpDir])).toEqual([]);
    process.stderr.write(`fresh-boot grading of 2 submissions (reference first): ${Math.round(r.ms / 1000)} s\n`);
  }, 900_000);
});
