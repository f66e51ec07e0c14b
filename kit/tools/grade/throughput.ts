// Grading throughput benchmark (a measurement, not a test):
//   node --import tsx kit/tools/grade/throughput.ts [N=12] [--jobs 2] [--steps 1-4]
// Grades N complete submissions (the reference solutions: every step runs,
// the most expensive case) and prints submissions per minute.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from '../cli/args.ts';
import { solutionsDir, stateDir } from '../../core/paths.ts';
import { gradeRun, parseGradeArgs } from './command.ts';

export async function throughput(argv: string[]): Promise<{ n: number; seconds: number; perMinute: number }> {
  const a = parseArgs(argv);
  const n = Number(a.positional[0] ?? 12);
  const jobs = typeof a.flags.jobs === 'string' ? a.flags.jobs : '2';
  const steps = typeof a.flags.steps === 'string' ? a.flags.steps : '1-4';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-grade-bench-'));
  const work = path.join(stateDir(), `grade-bench-${crypto.randomBytes(3).toString('hex')}`);
  try {
    for (let i = 0; i < n; i++) {
      const dir = path.join(tmp, 'subs', `student${String(i).padStart(3, '0')}`, 'steps');
      fs.mkdirSync(dir, { recursive: true });
      for (const f of fs.readdirSync(solutionsDir))
        if (/^\d\d-[\w-]+\.ts$/.test(f)) fs.copyFileSync(path.join(solutionsDir, f), path.join(dir, f));
    }
    const o = parseGradeArgs([
      path.join(tmp, 'subs'),
      '--out',
      path.join(tmp, 'out'),
      '--jobs',
      jobs,
      '--steps',
      steps,
      '--work',
      work,
      '--no-reference',
      '--quiet',
    ]);
    const started = performance.now();
    const r = await gradeRun(o);
    const seconds = (performance.now() - started) / 1000;
    const full = r.grades.filter((g) => g.results.every((x) => x.status === 'pass')).length;
    const perMinute = (r.grades.length / seconds) * 60;
    process.stdout.write(
      `graded ${r.grades.length} complete submissions (steps ${o.steps?.join(',') ?? 'all'}, --jobs ${jobs}) in ${seconds.toFixed(1)} s: ${perMinute.toFixed(1)} submissions/min; ${full}/${r.grades.length} got full marks\n`,
    );
    return { n: r.grades.length, seconds, perMinute };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  throughput(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
