// Grading a class of sample submissions made here: complete, partial,
// skeleton only, does not compile, hangs, fork bomb, memory hog, tries to
// escape its workspace, malicious archives. Each gets the grade it deserves,
// the run finishes, and the host is as before.

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../kit/tools/check/types.ts';
import { gradeRun, parseGradeArgs } from '../../kit/tools/grade/command.ts';
import type { StudentGrade } from '../../kit/tools/grade/types.ts';
import { checksDir, projectRoot, solutionsDir, stateDir, stepsDir } from '../../kit/core/paths.ts';
import { submitCommand } from '../../kit/tools/submit/command.ts';
import { makeZip, renameEntry } from '../unit/grade-zips.ts';

const run = crypto.randomBytes(3).toString('hex');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-grade-class-'));
const subs = path.join(tmp, 'subs');
const out = path.join(tmp, 'out');
// workspaces may not live under /tmp (the sandbox covers it with a tmpfs)
const work = path.join(stateDir(), `grade-test-${run}`);
const escapeMarker = path.join(stateDir(), `grade-escape-marker-${run}`);
const STEPS = [1, 2, 3, 4].filter((s) =>
  fs.existsSync(path.join(checksDir, fs.readdirSync(checksDir).find((f) => f.startsWith(`0${s}-`)) ?? 'none')),
);

const file = (dir: string, n: number) => fs.readdirSync(dir).find((f) => f.startsWith(`0${n}-`)) as string;
const solution = (n: number) => fs.readFileSync(path.join(solutionsDir, file(solutionsDir, n)), 'utf8');
const skeleton = (n: number) => fs.readFileSync(path.join(stepsDir, file(stepsDir, n)), 'utf8');

/** Step 1's solution with code run when the module loads (right after its imports). */
function step1With(code: string): string {
  const lines = solution(1).split('\n');
  const lastImport = lines.reduce((at, l, i) => (l.startsWith('import ') ? i : at), 0);
  lines.splice(lastImport + 1, 0, code);
  return lines.join('\n');
}

function folderSubmission(name: string, steps: Record<number, string>): void {
  const dir = path.join(subs, name, 'steps');
  fs.mkdirSync(dir, { recursive: true });
  for (const [n, text] of Object.entries(steps)) fs.writeFileSync(path.join(dir, file(stepsDir, Number(n))), text);
}

/**
 * What a grading run could leave on the host. Each grading child has private
 * mount and network namespaces, so its mounts, veths and named netns die with
 * it; what could outlive it is a cgroup, a loop device (any: its backing
 * file may be named differently on the host than in the sandbox), a
 * mount or process under the workspaces, the hostname. (Links and netns of the
 * whole host are not compared: on a shared development machine other runs
 * come and go meanwhile; test files run one at a time in CI.)
 */
interface HostState {
  cgroups: string[];
  loops: string[];
  mounts: string[];
  hostname: string;
}

function hostState(): HostState {
  const cgroups: string[] = [];
  for (const h of fs.readdirSync('/sys/fs/cgroup')) {
    try {
      for (const d of fs.readdirSync(path.join('/sys/fs/cgroup', h))) if (/^cw-grade/.test(d)) cgroups.push(`${h}/${d}`);
    } catch {
      // a file, not a hierarchy
    }
  }
  // every loop device of the host, not only those on the workspaces' paths: a
  // child's image on its private /tmp shows under another name once it is gone
  const loops = execFileSync('losetup', ['-a'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
  const mounts = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m) => m && (m.startsWith(work) || m.startsWith(tmp)));
  return { cgroups: cgroups.sort(), loops, mounts, hostname: fs.readFileSync('/proc/sys/kernel/hostname', 'utf8') };
}

let before: HostState;
let grades: Map<string, StudentGrade>;
const checksBefore = fs.readFileSync(path.join(checksDir, file(checksDir, 1)), 'utf8');

beforeAll(async () => {
  before = hostState();
  const all = Object.fromEntries(STEPS.map((n) => [n, solution(n)]));

  // complete, as a student makes it: npm run submit
  const project = path.join(tmp, 'student-project');
  fs.mkdirSync(path.join(project, 'steps'), { recursive: true });
  fs.copyFileSync(path.join(projectRoot, 'package.json'), path.join(project, 'package.json'));
  for (const f of fs.readdirSync(stepsDir)) fs.copyFileSync(path.join(stepsDir, f), path.join(project, 'steps', f));
  for (const n of STEPS) fs.writeFileSync(path.join(project, 'steps', file(stepsDir, n)), solution(n));
  fs.mkdirSync(subs, { recursive: true });
  await submitCommand(['--name', 'Complete Student', '--id', 'c1', '--no-report', '--out', path.join(subs, 'complete.zip')], {
    root: project,
    steps: path.join(project, 'steps'),
    state: path.join(project, 'state'),
    quiet: true,
  });

  folderSubmission('partial', { 1: solution(1) });
  folderSubmission('skeleton', { 1: skeleton(1), 2: skeleton(2) });
  folderSubmission('touched-skeleton', { 1: `// I read the step page\n${skeleton(1)}` });
  folderSubmission('syntax-error', { 1: solution(1).replace('const step', 'const step = = ') });
  folderSubmission('hangs', { 1: step1With('while (Date.now() > 0) { /* never ends */ }') });
  folderSubmission('fork-bomb', {
    1: step1With(
      "import { spawnSync as cwBomb } from 'node:child_process';\ncwBomb('sh', ['-c', 'b() { b | b & }; b'], { stdio: 'inherit' });",
    ),
  });
  folderSubmission('memory-hog', { 1: step1With('const cwHog: Buffer[] = []; for (;;) cwHog.push(Buffer.alloc(32 * 1024 * 1024, 1));') });
  folderSubmission('escape', {
    ...all,
    1: step1With(
      [
        "import cwFs from 'node:fs';",
        `for (const [p, v] of [[${JSON.stringify(escapeMarker)}, 'escaped'], ['../checks/${file(checksDir, 1)}', 'export default {}'], [${JSON.stringify(path.join(checksDir, file(checksDir, 1)))}, 'x'], ['/proc/sys/kernel/hostname', 'pwned-${run}']]) {`,
        '  try { cwFs.writeFileSync(p, v); } catch { /* read-only: carry on */ }',
        '}',
      ].join('\n'),
    ),
  });
  const slip = renameEntry(
    await makeZip([
      { name: 'steps/01-pid.ts', data: solution(1) },
      { name: 'AAAAA/evil.ts', data: 'x' },
    ]),
    'AAAAA/evil.ts',
    '../../evil.ts',
  );
  fs.writeFileSync(path.join(subs, 'zip-slip.zip'), slip);
  fs.writeFileSync(path.join(subs, 'symlink.zip'), await makeZip([{ name: 'steps/01-pid.ts', data: '/etc/shadow', mode: 0o120777 }]));
  fs.writeFileSync(
    path.join(subs, 'absolute.zip'),
    renameEntry(
      await makeZip([
        { name: 'AAAAAAAAAAAAAAAA', data: 'x' },
        { name: 'steps/01-pid.ts', data: solution(1) },
      ]),
      'AAAAAAAAAAAAAAAA',
      '/tmp/evil-abs.ts',
    ),
  );

  const o = parseGradeArgs([
    subs,
    '--out',
    out,
    '--jobs',
    '2',
    '--steps',
    STEPS.join(','),
    '--timeout',
    '45',
    '--memory',
    '512M',
    '--pids',
    '256',
    '--work',
    work,
    '--quiet',
  ]);
  const started = Date.now();
  const r = await gradeRun(o);
  process.stderr.write(
    `graded ${r.grades.length} sample submissions (steps ${STEPS.join(',')}) in ${((Date.now() - started) / 1000).toFixed(1)} s, jobs 2, reference run included\n`,
  );
  grades = new Map(r.grades.map((g) => [g.key, g]));
}, 900_000);

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(escapeMarker, { force: true });
});

const step = (key: string, n: number): CheckResult => {
  const r = grades.get(key)?.results.find((x) => x.step === n);
  if (!r) throw new Error(`no result for ${key} step ${n}`);
  return r;
};
/** What went wrong with a step's result, for the failure message: each assertion that did not pass. */
const messages = (r: CheckResult) =>
  r.assertions
    .filter((a) => a.status !== 'pass')
    .map(
      (a) =>
        `${a.id} ${a.status}${a.inconclusive ? ' (inconclusive)' : ''}: ${[a.message, a.expected && `expected ${a.expected}`, a.seen && `seen ${a.seen}`].filter(Boolean).join('; ')}`,
    )
    .join(' | ');

describe('grading a class of sample submissions', () => {
  it('grades every submission', () => {
    expect([...grades.keys()].sort()).toEqual(
      [
        'absolute',
        'complete',
        'escape',
        'fork-bomb',
        'hangs',
        'memory-hog',
        'partial',
        'skeleton',
        'symlink',
        'syntax-error',
        'touched-skeleton',
        'zip-slip',
      ].sort(),
    );
  });

  it('complete: full marks, name from the manifest', () => {
    const g = grades.get('complete');
    // on failure, say which assertion and show the end of the check's own log
    const log = (n: number) => {
      try {
        return fs.readFileSync(path.join(out, 'logs', 'complete', `step${n}.log`), 'utf8').slice(-3000);
      } catch {
        return '(no log)';
      }
    };
    for (const n of STEPS) {
      const r = step('complete', n);
      // step 4 measures CPU shares: on a machine shared with other people's runs its
      // reference may honestly be "too busy to tell", and then nobody is graded on it
      if (n === 4 && r.status === 'not-graded' && /too busy/.test(r.assertions[0]?.message ?? '')) continue;
      expect(r.status, `${messages(r)}\n${log(n)}`).toBe('pass');
    }
    expect(g?.manifest?.studentName).toBe('Complete Student');
    expect(g?.notes.filter((n) => n.startsWith('review'))).toEqual([]);
  });

  it('partial: the finished step passes, the rest is not done', () => {
    expect(step('partial', 1).status).toBe('pass');
    if (STEPS.includes(2)) expect(step('partial', 2).status).toBe('not-attempted');
  });

  it('skeleton only: not done, zero points (and the real todo() path says the same)', () => {
    expect(step('skeleton', 1)).toMatchObject({ status: 'not-attempted', score: 0 });
    expect(step('touched-skeleton', 1)).toMatchObject({ status: 'not-attempted', score: 0 });
    expect(messages(step('touched-skeleton', 1))).toMatch(/Not done yet/);
  });

  it('does not compile: an error naming the file, zero points', () => {
    expect(step('syntax-error', 1)).toMatchObject({ status: 'error', score: 0 });
    expect(messages(step('syntax-error', 1))).toMatch(/could not be loaded/);
  });

  it('hangs: stopped at the time limit, zero for the step', () => {
    expect(step('hangs', 1)).toMatchObject({ status: 'error', score: 0 });
    expect(messages(step('hangs', 1))).toMatch(/did not finish within 45 s/);
  });

  it('fork bomb: zero for the step, the run goes on', () => {
    expect(step('fork-bomb', 1).score).toBe(0);
    expect(step('fork-bomb', 1).status).toBe('error');
  });

  it('memory hog: stopped at the memory limit', () => {
    expect(step('memory-hog', 1)).toMatchObject({ status: 'error', score: 0 });
    expect(messages(step('memory-hog', 1))).toMatch(/memory/);
  });

  it('escape: writes outside the workspace fail, the host keeps its name, the honest work still counts', () => {
    expect(fs.existsSync(escapeMarker)).toBe(false);
    expect(fs.readFileSync(path.join(checksDir, file(checksDir, 1)), 'utf8')).toBe(checksBefore);
    expect(grades.get('escape')?.status).toBe('graded');
    // the renamed (sandbox) host is seen by the check: that assertion fails, the others pass
    const s1 = step('escape', 1);
    expect(s1.assertions.find((a) => a.id === 'host-hostname')?.status).toBe('fail');
    expect(s1.score).toBe(s1.maxScore - (s1.assertions.find((a) => a.id === 'host-hostname')?.points ?? 0));
  });

  it('malicious archives: rejected with a reason, zero points', () => {
    expect(grades.get('zip-slip')).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/climbs out/) });
    expect(grades.get('symlink')).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/symbolic link/) });
    expect(grades.get('absolute')).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/absolute path/) });
    // (a step not graded on this machine is 0 of 0 for everyone, rejected or not)
    for (const k of ['zip-slip', 'symlink', 'absolute'])
      expect(grades.get(k)?.results.every((r) => r.status === 'not-graded' || (r.score === 0 && r.maxScore > 0))).toBe(true);
    expect(fs.existsSync(path.join(os.tmpdir(), 'evil-abs.ts'))).toBe(false);
  });

  it('writes every report', () => {
    for (const f of ['grades.csv', 'grades.json', 'junit.xml', 'progress.jsonl']) expect(fs.existsSync(path.join(out, f))).toBe(true);
    expect(fs.readdirSync(path.join(out, 'feedback')).length).toBe(grades.size);
    expect(fs.readFileSync(path.join(out, 'grades.csv'), 'utf8').split('\r\n').length).toBe(grades.size + 2);
  });

  it('leaves the host as it was: mounts, loop devices, links, namespaces, cgroups, hostname, processes, workspaces', () => {
    const after = hostState();
    expect(after).toEqual(before);
    const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
    expect(ps.split('\n').filter((l) => l.includes(work) || l.includes('b | b &'))).toEqual([]);
    expect(fs.readdirSync(work)).toEqual([]);
  });

  it('resumes: a second run with the same settings grades nobody again', async () => {
    const few = path.join(tmp, 'few');
    fs.mkdirSync(few);
    for (const k of ['partial', 'skeleton']) fs.cpSync(path.join(subs, k), path.join(few, k), { recursive: true });
    fs.copyFileSync(path.join(subs, 'zip-slip.zip'), path.join(few, 'zip-slip.zip'));
    const o = parseGradeArgs([
      few,
      '--out',
      path.join(tmp, 'out-few'),
      '--jobs',
      '2',
      '--steps',
      '1',
      '--timeout',
      '45',
      '--work',
      work,
      '--quiet',
      '--no-reference',
    ]);
    const first = await gradeRun(o);
    const second = await gradeRun(o);
    expect(first.grades).toHaveLength(3);
    expect(second.grades.map((g) => g.gradedAt)).toEqual(first.grades.map((g) => g.gradedAt));
    // a changed submission is graded again
    fs.appendFileSync(path.join(few, 'partial', 'steps', file(stepsDir, 1)), '\n// changed\n');
    const third = await gradeRun(o);
    expect(third.grades.find((g) => g.key === 'partial')?.gradedAt).not.toBe(first.grades.find((g) => g.key === 'partial')?.gradedAt);
    expect(third.grades.find((g) => g.key === 'skeleton')?.gradedAt).toBe(first.grades.find((g) => g.key === 'skeleton')?.gradedAt);
  }, 180_000);
});
