// `npm run reset N`: back to the skeleton as shipped, with a backup, never
// without asking (or --yes).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../kit/core/paths.ts';
import { MAIN, sandbox, skeleton1, step1With, type Sandbox } from './fixtures.ts';

describe('npm run reset', () => {
  let box: Sandbox;
  beforeEach(() => (box = sandbox('reset', step1With(['hostname']))));
  afterEach(() => box.dispose());

  const reset = (...args: string[]) => {
    const r = spawnSync(process.execPath, [MAIN, 'reset', ...args, '--steps-dir', box.stepsDir], {
      cwd: projectRoot,
      env: { ...process.env, ...box.env },
      encoding: 'utf8',
      input: '',
      timeout: 30_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('refuses without a terminal and without --yes, and leaves the file alone', () => {
    const r = reset('1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nobody to ask \(not a terminal\)/);
    expect(r.stderr).toMatch(/Run again with --yes/);
    expect(fs.readFileSync(box.file, 'utf8')).toBe(step1With(['hostname']));
  });

  it('--yes: the skeleton exactly as generated from the solution, the old version in state/backups', () => {
    const r = reset('1', '--yes', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { kind: string; backup: string };
    expect(out.kind).toBe('reset');
    expect(fs.readFileSync(box.file, 'utf8')).toBe(skeleton1());
    expect(path.dirname(out.backup)).toBe(path.join(box.stateDir, 'backups'));
    expect(fs.readFileSync(out.backup, 'utf8')).toBe(step1With(['hostname']));
    // twice: nothing to do, no second backup
    expect(JSON.parse(reset('1', '--yes', '--json').stdout)).toMatchObject({ kind: 'already-pristine' });
    expect(fs.readdirSync(path.join(box.stateDir, 'backups'))).toHaveLength(1);
  });

  it('forgets the last check of the step, and brings back a deleted file without asking', () => {
    const key = `${box.stepsDir}#1`;
    fs.writeFileSync(path.join(box.stateDir, 'last-check.json'), JSON.stringify({ [key]: { step: 1, status: 'fail' }, other: {} }));
    fs.rmSync(box.file);
    const r = reset('1');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/01-pid\.ts is the skeleton again/);
    expect(fs.readFileSync(box.file, 'utf8')).toBe(skeleton1());
    expect(JSON.parse(fs.readFileSync(path.join(box.stateDir, 'last-check.json'), 'utf8'))).toEqual({ other: {} });
  });
});
