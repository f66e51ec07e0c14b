// The compiled kit (issue 17): bin/build-kit.mjs compiles kit/ file for file
// into .build/ and notices any later edit; the compiled kit loads a step file
// through kit/core/ts-import.ts so that the step shares the kit's own module
// instances, and errors still name the step file's own line.

import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKit, isFresh } from '../../bin/build-kit.mjs';
import { BUILD_DIR, kitLauncher, projectRoot, solutionsDir } from '../../kit/core/paths.ts';

describe('bin/build-kit.mjs', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-build-kit-'));
    fs.mkdirSync(path.join(root, 'kit', 'core'), { recursive: true });
    fs.mkdirSync(path.join(root, 'site'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'kit', 'main.ts'),
      "import { b } from './core/b.ts';\nimport { pages } from '../site/pages.ts';\nconst lazy = () => import('./core/b.ts');\nexport const x: number = b + pages.length;\nexport { lazy };\n",
    );
    fs.writeFileSync(path.join(root, 'kit', 'core', 'b.ts'), 'export const b: number = 1;\n');
    fs.writeFileSync(path.join(root, 'site', 'pages.ts'), "export const pages: string[] = ['a'];\n");
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('compiles kit/ and what it imports from outside kit/ into runnable .js, then rebuilds only after an edit', async () => {
    expect(isFresh(root)).toBe(false);
    expect(await buildKit(root)).toBe(true);
    const main = fs.readFileSync(path.join(root, BUILD_DIR, 'kit', 'main.js'), 'utf8');
    expect(main).toContain('"./core/b.js"');
    expect(main).toContain('"../site/pages.js"');
    expect(main).not.toMatch(/\.ts["']/);
    const mod = (await import(pathToFileURL(path.join(root, BUILD_DIR, 'kit', 'main.js')).href)) as { x: number };
    expect(mod.x).toBe(2);
    expect(isFresh(root)).toBe(true);
    expect(await buildKit(root)).toBe(false);

    // an edit inside kit/ or to an imported file outside it makes the build stale
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(root, 'kit', 'core', 'b.ts'), later, later);
    expect(isFresh(root)).toBe(false);
    expect(await buildKit(root)).toBe(true);
    fs.appendFileSync(path.join(root, 'site', 'pages.ts'), '// edited\n');
    expect(isFresh(root)).toBe(false);
    expect(await buildKit(root)).toBe(true);
    // a new file too
    fs.writeFileSync(path.join(root, 'kit', 'core', 'c.ts'), 'export const c = 3;\n');
    expect(isFresh(root)).toBe(false);
  });
});

describe('the compiled kit loads step files', () => {
  let dir: string;
  beforeAll(async () => {
    await buildKit(projectRoot);
    // beside kit/, so that '../kit/student.ts' resolves (as in steps/)
    dir = fs.mkdtempSync(path.join(projectRoot, '.mutant-compiled-'));
    fs.writeFileSync(
      path.join(dir, '01-pid.ts'),
      [
        "import * as api from '../kit/student.ts';",
        "import type { StepDefinition } from '../kit/student.ts';",
        'const step: StepDefinition & { api: typeof api } = {',
        '  id: 1,',
        "  name: 'pid',",
        '  api,',
        '  configure() {',
        "    api.todo('line-8', 'on line 8');",
        '  },',
        '};',
        'export default step;',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const f of ours()) fs.rmSync(path.join(cacheDir, f), { force: true });
  });

  /** run a script against the compiled kit in a fresh node; `cached`: the copies of this test's step files in .build/compiled/ */
  const cacheDir = path.join(projectRoot, BUILD_DIR, 'compiled');
  // the cache names a copy by a hash of its source's path (kit/core/ts-import.ts)
  const prefixes = (): string[] =>
    ['01-pid.ts', '02-mount.ts'].map((f) => crypto.createHash('sha1').update(path.join(dir, f)).digest('hex').slice(0, 10));
  const ours = (): string[] =>
    fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).filter((f) => prefixes().some((p) => f.startsWith(`${p}-`))) : [];
  const compiled = (script: string) => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: projectRoot, encoding: 'utf8' });
    return { ...r, cached: ours() };
  };
  const build = (rel: string): string => pathToFileURL(path.join(projectRoot, BUILD_DIR, rel)).href;

  it('the step gets the same student API module as the kit that runs it, and errors name its own line', () => {
    const r = compiled(`
      const { loadStep } = await import(${JSON.stringify(build('kit/core/steps.js'))});
      const student = await import(${JSON.stringify(build('kit/student.js'))});
      const file = ${JSON.stringify(path.join(dir, '01-pid.ts'))};
      const def = await loadStep({ id: 1, name: 'pid', file });
      const again = await loadStep({ id: 1, name: 'pid', file });
      let message = '';
      try { def.configure(); } catch (e) { message = e.message; }
      console.log(JSON.stringify({ same: def.api === student, todo: def.api.todo === student.todo, again: again === def, message }));
    `);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { same: boolean; todo: boolean; again: boolean; message: string };
    expect(out).toMatchObject({ same: true, todo: true, again: true });
    expect(out.message).toMatch(new RegExp(`${path.basename(dir)}/01-pid\\.ts:8\\b`));
    expect(r.cached.filter((f) => f.includes('-01-pid-'))).toHaveLength(1);
  });

  it('once the step files are loaded, no esbuild process of the kit runs (a container starts next)', () => {
    // a new version of the step: a cache miss, so esbuild's service starts to compile it
    fs.appendFileSync(path.join(dir, '01-pid.ts'), `// ${process.pid}-${Date.now()}\n`);
    const r = compiled(`
      const fs = await import('node:fs');
      const { loadStepsUpTo } = await import(${JSON.stringify(build('kit/core/steps.js'))});
      const children = () => fs.readdirSync('/proc/self/task').flatMap((t) => fs.readFileSync('/proc/self/task/' + t + '/children', 'utf8').split(' ').filter(Boolean))
        .map((pid) => { try { return fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').split('\\0').join(' '); } catch { return ''; } }).filter(Boolean);
      await import(${JSON.stringify(build('kit/core/esbuild.js'))}).then((m) => m.esbuild()).then((e) => e.transform('', { loader: 'ts' }));
      const during = children();
      await loadStepsUpTo(${JSON.stringify(dir)}, 1);
      await new Promise((r) => setTimeout(r, 50)); // the killed service is reaped
      console.log(JSON.stringify({ during, after: children() }));
    `);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { during: string[]; after: string[] };
    expect(out.during.some((c) => c.includes('esbuild'))).toBe(true); // the witness sees the service when it runs
    expect(out.after.filter((c) => c.includes('esbuild'))).toEqual([]);
  });

  it('a refused import is refused before anything runs, and nothing is cached', () => {
    fs.writeFileSync(path.join(dir, '02-mount.ts'), "import '../kit/host/proc.ts';\nexport default { id: 2, name: 'mount' };\n");
    const r = compiled(`
      const { loadStep } = await import(${JSON.stringify(build('kit/core/steps.js'))});
      try { await loadStep({ id: 2, name: 'mount', file: ${JSON.stringify(path.join(dir, '02-mount.ts'))} }); console.log('loaded'); }
      catch (e) { console.log(e.message); }
    `);
    expect(r.stdout).toMatch(/imports "\.\.\/kit\/host\/proc\.ts": a step file may import only/);
    expect(r.cached.filter((f) => f.includes('-02-mount-'))).toHaveLength(0);
  });

  it('npm run step runs the compiled kit with plain node', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.step).toBe(`node ${path.relative(projectRoot, kitLauncher)} step`);
    expect(Object.values(pkg.scripts).filter((s) => s.includes('tsx'))).toEqual([]);
    expect(fs.existsSync(path.join(solutionsDir, '01-pid.ts'))).toBe(true);
  });

  it("a step's run loads koffi without its installer: no https, tls or zlib in the process", () => {
    // koffi's index.js carries cnoke (its build and download tool) and with it https and zlib; kit/core/koffi.ts loads the native module itself
    const probe = path.join(os.tmpdir(), `cw-modules-${process.pid}.cjs`);
    fs.writeFileSync(
      probe,
      "process.on('exit', () => require('fs').writeSync(2, '\\nMODULES ' + JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13))) + '\\n'));\n",
    );
    try {
      const r = spawnSync(process.execPath, ['-r', probe, kitLauncher, 'step', '1', '--solution', '--', 'true'], {
        cwd: projectRoot,
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const loaded = JSON.parse(/^MODULES (.*)$/m.exec(r.stderr)?.[1] ?? '[]') as string[];
      expect(loaded).toContain('child_process'); // the list is real: the kit started a container
      expect(loaded.filter((m) => ['https', 'tls', 'zlib', 'http'].includes(m))).toEqual([]);
    } finally {
      fs.rmSync(probe, { force: true });
    }
  });
});
