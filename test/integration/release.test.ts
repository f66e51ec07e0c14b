// `npm run release`: the student edition. Tested on its output: no line of
// any solution's @todo region is in it, its commands work in it after
// `npm ci` (step, check, hint, report, submit), --solution and the instructor's
// commands explain themselves, and its README and workflow fit the edition.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, solutionsDir, stepsDir } from '../../kit/core/paths.ts';
import { release } from '../../kit/tools/release/command.ts';
import { TRUSTED_KIT_PLACEHOLDER } from '../../kit/tools/release/generate.ts';
import { listStepFiles } from '../../kit/core/steps.ts';

let tmp: string;
let out: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-release-'));
  out = path.join(tmp, 'student');
  release({ out });
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function files(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'state' ? [] : files(dir, r);
    return e.isFile() ? [r] : [];
  });
}

/**
 * Lines that give nothing away although a solution region has them: a pause
 * in a polling loop, written the same in the kit's own cgroup code.
 */
const GENERIC_LINES = new Set(['await sleep(10);']);

/**
 * Every code line of every solution's @todo region: what the student is to
 * write. Not counted: a fragment that only opens a call (`commands.push(`),
 * and code the step's skeleton already gives outside its TODOs (the
 * `version === 'v2'` of a ternary the student completes).
 */
function solutionLines(): Map<string, string> {
  const lines = new Map<string, string>();
  for (const f of listStepFiles(solutionsDir)) {
    const skeletonPath = path.join(stepsDir, path.basename(f.file));
    const given = fs.existsSync(skeletonPath) ? fs.readFileSync(skeletonPath, 'utf8') : '';
    let open = false;
    fs.readFileSync(f.file, 'utf8')
      .split('\n')
      .forEach((l, i) => {
        if (/^\s*\/\/ @todo /.test(l)) return void (open = true);
        if (/^\s*\/\/ @end\s*$/.test(l)) return void (open = false);
        const t = l.trim();
        // lines with something to give away: not braces, comments or bare control-flow headers
        const fragment = /[([]$/.test(t) || given.includes(t) || GENERIC_LINES.has(t);
        if (
          open &&
          !fragment &&
          t.length >= 12 &&
          !t.startsWith('//') &&
          !/^(\}\s*else\s*)?(if|switch|case|for|while|else)\b.*[{:]$/.test(t)
        )
          lines.set(t, `${path.basename(f.file)}:${i + 1}`);
      });
  }
  return lines;
}

describe('npm run release: what the student edition holds', () => {
  it('has the skeletons and no solutions/, no grading, perf or release tools, no tests', () => {
    const all = files(out);
    expect(all.filter((f) => /^(solutions|test)\//.test(f))).toEqual([]);
    for (const f of [
      'kit/tools/grade/command.ts',
      'kit/tools/grade/engine.ts',
      'kit/tools/cli/perf.ts',
      'kit/tools/cli/skeletons.ts',
      'kit/tools/release/command.ts',
    ])
      expect(all).not.toContain(f);
    expect(fs.readFileSync(path.join(out, 'kit/tools/cli/full-kit.ts'), 'utf8')).toContain('requireFullKit(name)');
    expect(all.filter((f) => f.startsWith('kit/tools/perf/'))).toEqual([]);
    for (const f of listStepFiles(path.join(projectRoot, 'steps'))) expect(all).toContain(`steps/${path.basename(f.file)}`);
    expect(fs.readFileSync(path.join(out, 'steps', '01-pid.ts'), 'utf8')).toContain('todo(');
    const pkg = JSON.parse(fs.readFileSync(path.join(out, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const s of ['grade', 'skeletons', 'perf', 'release', 'test']) expect(pkg.scripts[s]).toBeUndefined();
    for (const s of ['step', 'check', 'hint', 'report', 'submit', 'bench', 'reset']) expect(pkg.scripts[s]).toBeDefined();
    expect(fs.readFileSync(path.join(out, '.gitignore'), 'utf8')).not.toMatch(/^results\/?$/m);
  });

  it("contains no line of any solution region's code", () => {
    const lines = solutionLines();
    expect(lines.size).toBeGreaterThan(30);
    const leaks = new Map<string, string[]>();
    for (const f of files(out)) {
      const text = fs.readFileSync(path.join(out, f), 'utf8');
      for (const [l, where] of lines) if (text.includes(l)) leaks.set(f, [...(leaks.get(f) ?? []), `${where}: ${l}`]);
    }
    const found = [...leaks];
    expect(found, found.map(([f, l]) => `${f}\n  ${l.join('\n  ')}`).join('\n')).toEqual([]);
  });

  it('its README says which edition it is, and its quick start has no --solution', () => {
    const readme = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    expect(readme).toMatch(/^# container-workshop: student edition/);
    expect(readme).toContain('no reference solutions');
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('##', readme.indexOf('## Quick start') + 3));
    expect(quick).toContain('npm run step 1');
    expect(quick).toContain('npm run check 1');
    expect(readme.replace('(`--solution` says\nso)', '')).not.toContain('--solution');
    expect(readme).not.toMatch(/npm run (grade|perf|skeletons|release)/);
  });

  it("its Classroom workflow always takes the checks and the kit from the instructor's trusted kit", () => {
    const wf = fs.readFileSync(path.join(out, '.github/workflows/classroom.yml'), 'utf8');
    expect(wf).toContain(`CW_TRUSTED_KIT: "${TRUSTED_KIT_PLACEHOLDER}"`);
    expect(wf).not.toContain("if: env.CW_TRUSTED_KIT != ''");
    // the guard comes before the instructor's kit is fetched and used in place of the student's
    expect(wf).toMatch(
      /CW_TRUSTED_KIT is not set[\s\S]*exit 1[\s\S]*repository: \$\{\{ steps\.kit\.outputs\.repo \}\}[\s\S]*rm -rf kit checks native/,
    );
    const other = path.join(tmp, 'trusted');
    release({ out: other, trustedKit: 'my-course/container-workshop@v1' });
    expect(fs.readFileSync(path.join(other, '.github/workflows/classroom.yml'), 'utf8')).toContain(
      'CW_TRUSTED_KIT: "my-course/container-workshop@v1"',
    );
    fs.rmSync(other, { recursive: true, force: true });
  });

  it('refuses to write into a non-empty folder or inside the kit', () => {
    expect(() => release({ out })).toThrow(/exists and is not empty/);
    expect(() => release({ out: path.join(projectRoot, 'student') })).toThrow(/inside the kit/);
  });
});

describe('npm run release: the edition works on its own', () => {
  // the edition's own state/ and results/, not the ones a test runner may point to
  const env = Object.fromEntries(Object.entries({ ...process.env, NO_COLOR: '1' }).filter(([k]) => !k.startsWith('CW_')));
  const run = (args: string[], o: { timeout?: number } = {}): SpawnSyncReturns<string> =>
    spawnSync('npm', ['run', '-s', ...args], { cwd: out, encoding: 'utf8', timeout: o.timeout ?? 180_000, env });

  it("npm ci, then step, check, hint, report and submit work; --solution and the instructor's commands explain themselves", () => {
    const ci = spawnSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: out, encoding: 'utf8', timeout: 300_000 });
    expect(ci.status, ci.stderr).toBe(0);
    expect(fs.existsSync(path.join(out, 'native', 'build'))).toBe(true);
    // npm ci compiled the edition's kit too (postinstall): the commands run it with plain node
    expect(fs.existsSync(path.join(out, '.build', 'kit', 'tools', 'cli', 'main.js'))).toBe(true);
    // what a student runs when a step does not compile: the edition type-checks without the modules it left out
    const types = run(['typecheck']);
    expect(types.status, types.stdout + types.stderr).toBe(0);

    const sol = run(['step', '1', '--', '--solution', '--', 'true']);
    expect(sol.stderr).toMatch(/student edition of the kit: it has no solutions\/ folder/);
    expect(sol.status).toBe(2);

    const step = run(['step', '1', '--', '--', 'true']);
    expect(step.stderr).toMatch(/Not done yet: TODO/);
    expect(step.status).toBe(3);

    const hint = run(['hint', '1']);
    expect(hint.status, hint.stderr).toBe(0);
    expect(hint.stderr + hint.stdout).toMatch(/hint/i);

    const grade = spawnSync(process.execPath, ['bin/kit.mjs', 'grade', 'x.zip'], { cwd: out, encoding: 'utf8' });
    expect(grade.stderr).toMatch(/`npm run grade` needs the full kit[\s\S]*this is the student edition/);
    expect(grade.stderr).not.toMatch(/internal error|ENOENT|at .*\.ts:\d+/);
    expect(grade.status).toBe(2);
    const script = spawnSync('npm', ['run', 'grade'], { cwd: out, encoding: 'utf8' });
    expect(script.stderr).toMatch(/Missing script: "grade"/);

    // the student does step 1 (the reference's code, for the test), and it passes the edition's own check
    fs.copyFileSync(path.join(solutionsDir, '01-pid.ts'), path.join(out, 'steps', '01-pid.ts'));
    const check = run(['check', '1']);
    expect(check.status, check.stderr).toBe(0);

    const report = run(['report']);
    expect(report.status, report.stderr).toBe(0);
    const md = fs.readFileSync(path.join(out, 'results', 'report.md'), 'utf8');
    expect(md).toContain('Why pivot_root and not chroot?');
    expect(md).toMatch(/### Step 1[\s\S]*What the check saw from the host/);
    expect(report.stderr).toMatch(/question\(s\) or placeholder\(s\) of .*report.md still to fill in/);
    const pdf = fs.existsSync('/usr/bin/chromium');
    if (pdf)
      expect(
        fs
          .readFileSync(path.join(out, 'results', 'report.pdf'))
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');

    const submit = run(['submit', '--', '--name', 'Ada Lovelace', '--id', 'a1', ...(pdf ? [] : ['--no-report'])]);
    expect(submit.status, submit.stderr).toBe(0);
    expect(submit.stderr).toContain('still unanswered');
    const list = spawnSync(
      'python3',
      ['-c', 'import sys,zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', path.join(out, 'submission-a1.zip')],
      { encoding: 'utf8' },
    ).stdout;
    expect(list).toContain('README.md');
    expect(list).toContain('steps/01-pid.ts');
    if (pdf) expect(list).toContain('results/report.pdf');

    // reset knows the skeleton as shipped without solutions/, and keeps the student's version
    const reset = run(['reset', '1', '--', '--yes']);
    expect(reset.status, reset.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'steps', '01-pid.ts'), 'utf8')).toBe(
      fs.readFileSync(path.join(out, 'kit', 'edition', 'skeletons', '01-pid.ts.txt'), 'utf8'),
    );
    expect(fs.readdirSync(path.join(out, 'state', 'backups')).length).toBe(1);
  }, 900_000);
});
