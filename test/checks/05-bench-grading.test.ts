// Check 5 in its grading mode (`check 5 --grading`, what `npm run grade` and
// the Classroom workflow run): seconds instead of a benchmark, yet it still
// passes on the reference, says "not attempted" on the skeleton, and fails
// where the grader must see a mistake: sysbench run on the host, a misread
// report. The CPU ratio (a benchmark) is skipped, worth 0 of 0 points.

import { describe, expect, it } from 'vitest';
import check from '../../checks/05-bench.ts';
import { runCheck } from '../../kit/tools/check/framework.ts';
import { solutionsDir } from '../../kit/core/paths.ts';
import { sysbenchOnHost } from '../helpers/bench-mutants.ts';
import { failed, makeMutant, skeletonAt } from '../helpers/mutants.ts';

const failures = (r: Awaited<ReturnType<typeof runCheck>>) =>
  r.assertions.filter((a) => a.status !== 'pass' && a.status !== 'skipped').map((a) => `${a.id}: ${a.seen ?? a.message}`);
const TIMEOUT = 150_000;
const opts = (stepsDir: string) => ({ stepsDir, timeoutMs: 120_000, grading: true });

describe('check 5 in grading mode', () => {
  it('passes on the reference in seconds, with the CPU ratio skipped (0 of 0 points)', { timeout: TIMEOUT }, async () => {
    const r = await runCheck(check, opts(solutionsDir));
    expect(failures(r)).toEqual([]);
    expect(r.status).toBe('pass');
    const ratio = r.assertions.find((a) => a.id === 'cpu-ratio');
    expect(ratio?.status).toBe('skipped');
    expect(ratio?.message).toMatch(/not graded in grading mode/);
    const all = check.assertions.reduce((s, a) => s + a.points, 0);
    expect(r.maxScore).toBe(all - (ratio?.points ?? 0));
    expect(r.score).toBe(r.maxScore);
    process.stderr.write(`check 5 --grading on the reference: ${(r.durationMs / 1000).toFixed(1)} s\n`);
  });

  it('reports "not attempted" on the untouched skeleton', { timeout: TIMEOUT }, async () => {
    const s = skeletonAt(5);
    try {
      const r = await runCheck(check, opts(s.dir));
      expect(r.status).toBe('not-attempted');
    } finally {
      s.dispose();
    }
  });

  it('fails when sysbench runs on the host instead of inside the container', { timeout: TIMEOUT }, async () => {
    // what a student might write: run the command with the student API's $, right here
    const m = sysbenchOnHost('05-grading-host');
    try {
      const r = await runCheck(check, opts(m.dir));
      expect(r.status).toBe('fail');
      for (const id of ['in-container', 'cgroup', 'home']) expect(failed(r), failures(r).join('; ')).toContain(id);
    } finally {
      m.dispose();
    }
  });

  it('fails when the student misreads a report (fileio write read as "read")', { timeout: TIMEOUT }, async () => {
    const m = makeMutant('05-grading-misread', [
      {
        file: '05-bench.ts',
        find: 'return number(/written, MiB\\/s:\\s*([\\d.]+)/);',
        replace: 'return number(/read, MiB\\/s:\\s*([\\d.]+)/);',
      },
    ]);
    try {
      const r = await runCheck(check, opts(m.dir));
      expect(r.status).toBe('fail');
      expect(failed(r), failures(r).join('; ')).toContain('read');
    } finally {
      m.dispose();
    }
  });
});
