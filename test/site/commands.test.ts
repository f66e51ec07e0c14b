// Every command the site shows is one the kit really has: its npm script exists,
// and for the kit's CLI commands, `--help` works and knows every flag shown.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootDir } from '../../kit/tools/ux/step-pages.ts';
import { commandsIn, shownCommands } from './commands.ts';

/**
 * Scripts the site documents that other work in progress adds. Each entry says
 * which; once package.json has the script, it is checked like any other.
 */
const PENDING: Record<string, string> = {
  docs: 'the site (issue 7): "vitepress dev site"',
  'docs:build': 'the site (issue 7): "vitepress build site"',
  'docs:preview': 'the site (issue 7): "vitepress preview site"',
  submit: 'students submit (issue 8)',
  grade: 'instructors grade (issue 8)',
  bench: 'step 5 benchmarks (issue 6)',
  report: 'the lab report (issue 6)',
  start: 'the menu (issue 10)',
  watch: 'watch mode (issue 10)',
  hint: 'hints in the terminal (issue 10)',
  reset: 'reset a step (issue 10)',
};

const pkg = JSON.parse(fs.readFileSync(path.join(rootDir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
const scripts = pkg.scripts ?? {};
const shown = shownCommands();
const byScript = new Map<string, typeof shown>();
for (const c of shown) byScript.set(c.script, [...(byScript.get(c.script) ?? []), c]);

describe('commands shown on the site', () => {
  it('finds the commands the pages show', () => {
    expect(byScript.has('step')).toBe(true);
    expect(byScript.has('check')).toBe(true);
  });

  it("extracts scripts and the kit's own flags", () => {
    expect(commandsIn("npm run step 1 -- --hostname box -- sh -c 'echo $$' # a comment")).toEqual([
      { script: 'step', flags: ['--hostname'], text: "npm run step 1 -- --hostname box -- sh -c 'echo $$'", file: '' },
    ]);
    expect(commandsIn('| `npm run grade -- a.zip --out grades/ --jobs 2` | x |').map((c) => [c.script, c.flags])).toEqual([
      ['grade', ['--out', '--jobs']],
    ]);
    expect(commandsIn('run `npm test` and `npm run <command> -- --help`').map((c) => c.script)).toEqual(['test']);
  });

  it('uses only npm scripts that exist (or are listed as pending, with the work that adds them)', () => {
    const known = Object.keys(scripts).sort();
    const missing = [...byScript.keys()].filter((s) => !(s in scripts) && !(s in PENDING));
    const where = missing.map(
      (s) =>
        `${s}: ${byScript
          .get(s)
          ?.map((c) => `${c.file}: ${c.text}`)
          .join('; ')}`,
    );
    expect(where, `scripts in package.json: ${known.join(', ')}`).toEqual([]);
    const pending = [...byScript.keys()].filter((s) => !(s in scripts) && s in PENDING);
    if (pending.length)
      console.info(`site commands still waiting for their script: ${pending.map((s) => `${s} (${PENDING[s]})`).join(', ')}`);
  });

  // The kit's CLI commands: `node bin/kit.mjs <command> --help` (the compiled kit, as npm runs it).
  const cli = [...byScript.keys()]
    .map((s) => ({ script: s, sub: /^[^&|;]*bin\/kit\.mjs\s+([\w:-]+)\s*$/.exec(scripts[s] ?? '')?.[1] }))
    .filter((c): c is { script: string; sub: string } => c.sub !== undefined);

  it("finds the kit's commands among the scripts", () => {
    expect(cli.map((c) => c.script)).toEqual(expect.arrayContaining(['step', 'check']));
  });

  it.each(cli.map((c) => [c.script, c] as const))('npm run %s -- --help works and knows the flags shown', (_s, { script, sub }) => {
    const r = spawnSync(process.execPath, ['bin/kit.mjs', sub, '--help'], {
      cwd: rootDir,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    const help = `${r.stdout}${r.stderr}`;
    expect(r.status, help).toBe(0);
    expect(help).toMatch(/usage/i);
    // `step` passes other --name value pairs on to the steps: those are documented on the step pages
    const passThrough = /other --\w+ value pairs/i.test(help);
    const unknown = [...new Set(byScript.get(script)?.flatMap((c) => c.flags) ?? [])].filter((f) => !help.includes(f));
    if (!passThrough) expect(unknown, `flags shown on the site but not in \`npm run ${script} -- --help\``).toEqual([]);
  });
});
