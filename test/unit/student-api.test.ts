// The student API (kit/student.ts) is all that steps/ and solutions/ import,
// and it holds tools, never answers (DESIGN.md "The student API"):
// - every step file keeps the import rule, and the loader refuses one that
//   does not (deep imports, computed import(), other packages);
// - none of the former shortcuts is exported: attachHomeImage, createCgroup,
//   the limit tables, the reference `ip` sequence;
// - connectNetwork without the student's commands runs nothing.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../../kit/student.ts';
import { KitError } from '../../kit/core/errors.ts';
import { Ledger } from '../../kit/core/ledger.ts';
import { projectRoot, solutionsDir, stepsDir } from '../../kit/core/paths.ts';
import { listStepFiles, loadStep } from '../../kit/core/steps.ts';
import { importViolations } from '../../kit/core/student-imports.ts';

/** The helpers that did a TODO's work, or handed out its answer, before issue 15. */
const SHORTCUTS = [
  'attachHomeImage',
  'detachHomeImage',
  'createImageFile',
  'attachLoop',
  'detachLoop',
  'makeExt4', // step 2
  'setupCommands',
  'createVethPair',
  'moveToNetns',
  'runIp', // step 3
  'createCgroup',
  'v1LimitWrites',
  'v2LimitWrites',
  'createV1',
  'createV2',
  'killTree',
  'destroyTree', // step 4
];

describe('the student API', () => {
  it('exports none of the former shortcuts', () => {
    const exported = Object.keys(api);
    for (const name of SHORTCUTS) expect(exported, name).not.toContain(name);
  });

  it('exports nothing that returns a cgroup with usage(), killAll() or remove()', () => {
    // the driver's object did account, kill and remove in one call each
    const values = Object.values(api) as unknown[];
    for (const v of values) {
      if (typeof v !== 'function') continue;
      expect(String(v)).not.toMatch(/\bapplyLimits\b|\bkillAll\b/);
    }
  });

  it("connectNetwork without the student's commands refuses, and records nothing", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-student-api-'));
    try {
      const ledger = new Ledger(dir, 'api1');
      const ctx = { runId: 'api1', options: { argv: [], solution: false, stepsDir }, stateDir: dir, ledger, facts: {} };
      const call = api.connectNetwork as unknown as (c: typeof ctx, pid: number, commands?: unknown) => Promise<unknown>;
      for (const commands of [undefined, []]) {
        const err = await call(ctx, process.pid, commands).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(KitError);
        expect((err as KitError).message).toMatch(/got no `ip` commands/);
      }
      expect(ledger.entries()).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the import rule of step files', () => {
  for (const dir of [solutionsDir, stepsDir]) {
    for (const f of listStepFiles(dir)) {
      it(`${path.relative(projectRoot, f.file)} imports only kit/student.ts and node:*`, async () => {
        expect(await importViolations(f.file)).toEqual([]);
        // and it really imports the student API (a file that imports nothing would pass vacuously)
        expect(fs.readFileSync(f.file, 'utf8')).toMatch(/from '\.\.\/kit\/student\.ts'/);
      });
    }
  }

  const cheats: [string, string, RegExp][] = [
    [
      'a deep import of a reference helper',
      "import { attachHomeImage } from '../kit/host/image/index.ts';",
      /\.\.\/kit\/host\/image\/index\.ts/,
    ],
    ['a re-export of one', "export { createCgroup } from '../kit/host/cgroup/driver.ts';", /driver\.ts/],
    ['a namespace import', "import * as limits from '../kit/host/cgroup/limits.ts'; void limits;", /limits\.ts/],
    ['a literal dynamic import', "const m = await import('../kit/host/net/commands.ts'); void m;", /commands\.ts/],
    ['a computed dynamic import', "const p = '../kit/' + 'image/home.ts'; const m = await import(p); void m;", /import\(p\)/],
    ['an absolute path', `import { createCgroup } from '${path.join(projectRoot, 'kit/host/cgroup/index.ts')}';`, /cgroup\/index\.ts/],
    ['a package other than through the API', "import { $ } from 'zx'; void $;", /"zx"/],
    ['node:module (require() of anything)', "import { createRequire } from 'node:module'; void createRequire;", /node:module/],
  ];
  for (const [name, line, refused] of cheats) {
    it(`refuses ${name}`, async () => {
      const dir = fs.mkdtempSync(path.join(projectRoot, '.mutant-imports-'));
      try {
        const file = path.join(dir, '01-pid.ts');
        const source = fs
          .readFileSync(path.join(solutionsDir, '01-pid.ts'), 'utf8')
          .replace("from '../kit/student.ts';", `from '../kit/student.ts';\n${line}`);
        fs.writeFileSync(file, source);
        const err = await loadStep({ id: 1, name: 'pid', file }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(KitError);
        expect((err as KitError).message).toMatch(/may import only \.\.\/kit\/student\.ts/);
        expect((err as KitError).message).toMatch(refused);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('allows type-only imports from anywhere (they run nothing) and node:* modules', async () => {
    const src =
      "import fs from 'node:fs';\nimport type { Cgroup } from '../kit/host/cgroup/types.ts';\nimport { todo } from '../kit/student.ts';\nexport const x: Cgroup | undefined = undefined; void fs; void todo;\n";
    expect(await importViolations(path.join(solutionsDir, '09-x.ts'), src)).toEqual([]);
  });
});
