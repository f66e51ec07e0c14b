// `npm run hint`: escalating, remembered, the same text as the site's page.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../kit/core/paths.ts';
import { parseStepPage } from '../../kit/tools/ux/step-pages.ts';
import { MAIN, sandbox, skeleton1, step1With, type Sandbox } from './fixtures.ts';

const page = () => parseStepPage(fs.readFileSync(path.join(projectRoot, 'site/steps/01-pid.md'), 'utf8'));

describe('npm run hint', () => {
  let box: Sandbox;
  beforeEach(() => (box = sandbox('hint', skeleton1())));
  afterEach(() => box.dispose());

  const hint = (...args: string[]) => {
    const r = spawnSync(process.execPath, [MAIN, 'hint', ...args, '--steps-dir', box.stepsDir], {
      cwd: projectRoot,
      env: { ...process.env, ...box.env },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const json = (...args: string[]) =>
    JSON.parse(hint(...args, '--json').stdout) as {
      kind: string;
      todo: { id: string };
      level: number;
      total: number;
      hints: { number: number; title: string; body: string }[];
      remaining: string[];
    };

  it('gives the next hint of the first TODO left on each call, up to the last, and remembers the level', () => {
    const hints = page().todos.find((t) => t.id === 'namespaces')!.hints;
    const seen = [1, 2, 3, 4].map(() => json('1'));
    expect(seen.map((s) => s.level)).toEqual([1, 2, 3, 3]);
    // the very text of the page, hint by hint: no second copy
    expect(seen.slice(0, 3).map((s) => s.hints[0].body)).toEqual(hints.map((h) => h.body));
    expect(seen[0].remaining).toEqual(['namespaces', 'private-root', 'proc', 'hostname']);
    const stored = JSON.parse(fs.readFileSync(path.join(box.stateDir, 'hints.json'), 'utf8')) as Record<string, Record<string, number>>;
    expect(stored[`${box.stepsDir}#1`]).toEqual({ namespaces: 3 });
  });

  it('prints for a person on stderr: title, Markdown as text, what comes next and the page', () => {
    const r = hint('1');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Step 1 · TODO namespaces · ask for the namespaces$/m);
    expect(r.stderr).toMatch(/^Hint 1 · a nudge \(1 of 3\)$/m);
    expect(r.stderr).toMatch(/2 more: npm run hint 1 again\./);
    expect(r.stderr).toMatch(/read: site\/steps\/01-pid\.md#todo-namespaces/);
    expect(r.stderr).not.toMatch(/\x1b\[/);
  });

  it('follows the student: once a TODO is written, the hints are for the next one', () => {
    fs.writeFileSync(box.file, step1With(['proc', 'hostname']));
    const s = json('1');
    expect(s.todo.id).toBe('proc');
    expect(s.level).toBe(1);
  });

  it('--all shows every hint without advancing; --reset starts over; --todo picks one', () => {
    json('1');
    const all = json('1', '--all');
    expect(all.hints.map((h) => h.number)).toEqual([1, 2, 3]);
    expect(json('1').level).toBe(2);
    expect(JSON.parse(hint('1', '--reset', '--json').stdout)).toMatchObject({ kind: 'reset', remembered: true });
    expect(json('1').level).toBe(1);
    expect(json('1', '--todo', 'hostname')).toMatchObject({ todo: { id: 'hostname' }, level: 1 });
  });

  it('says so when every TODO is written, and names an unknown step', () => {
    fs.writeFileSync(box.file, step1With([]));
    const r = hint('1');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Every TODO of step 1 is written/);
    const bad = hint('9');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/There is no step 9\. The steps are: 1 \(pid\)/);
  });
});
