// A student runs the kit as themselves; it re-runs through sudo, as root, and
// writes results/ (the report) for them. Afterwards `ls -l results/` must show
// the student as the owner, so they can edit report.md. A throwaway user with
// a sudoers entry is made for the test and removed after it.

import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, solutionsDir } from '../../kit/core/paths.ts';
import { preflight, which } from '../../kit/host/preflight.ts';
import { generateSkeletons } from '../../kit/tools/skeleton.ts';

const user = `cwown${crypto.randomBytes(3).toString('hex')}`;
const sudoers = `/etc/sudoers.d/${user}`;
let dir: string;
let uid: number;
let gid: number;

beforeAll(async () => {
  // a fresh machine may have no sudo: the test installs it (as the kit's preflight would)
  await preflight({
    yes: true,
    quiet: true,
    requirements: [{ what: 'sudo', present: () => which('sudo') !== undefined, pkg: 'sudo' }],
    log: () => {},
  });
  expect(spawnSync('useradd', ['--no-create-home', '--home-dir', '/nonexistent', '--shell', '/bin/sh', '--user-group', user]).status).toBe(
    0,
  );
  fs.mkdirSync('/etc/sudoers.d', { recursive: true });
  fs.writeFileSync(sudoers, `${user} ALL=(root) NOPASSWD: ALL\n`, { mode: 0o440 });
  uid = Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
  gid = Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-owner-'));
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'steps'));
  fs.mkdirSync(path.join(dir, 'home'));
  // step 1 only, as shipped: its check says "not attempted", quickly
  const [name, text] = [...generateSkeletons(solutionsDir)][0];
  fs.writeFileSync(path.join(dir, 'steps', name), text);
  for (const d of [dir, path.join(dir, 'steps'), path.join(dir, 'steps', name), path.join(dir, 'home')]) fs.chownSync(d, uid, gid);
}, 180_000);

afterAll(() => {
  fs.rmSync(sudoers, { force: true });
  spawnSync('userdel', [user]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('files the kit writes for the student through sudo', () => {
  it('`npm run report` as a normal user: re-run through sudo, and results/ belongs to the user', () => {
    const results = path.join(dir, 'results');
    const r = spawnSync(
      'runuser',
      [
        '-u',
        user,
        '--',
        'env',
        `HOME=${path.join(dir, 'home')}`,
        `PATH=${path.dirname(process.execPath)}:/usr/bin:/bin:/usr/sbin:/sbin`,
        `CW_RESULTS_DIR=${results}`,
        `CW_STATE_DIR=${path.join(dir, 'state')}`,
        'NO_COLOR=1',
        process.execPath,
        '--import',
        'tsx',
        'kit/tools/cli/main.ts',
        'report',
        '--steps-dir',
        path.join(dir, 'steps'),
        '--no-pdf',
        '--yes',
      ],
      { cwd: projectRoot, encoding: 'utf8', timeout: 150_000 },
    );
    expect(r.stderr).toContain('re-running through sudo');
    expect(r.status, r.stderr).toBe(0);
    const ls = spawnSync('ls', ['-ln', results], { encoding: 'utf8' }).stdout;
    const files = fs.readdirSync(results);
    expect(files).toEqual(expect.arrayContaining(['report.md', 'report.html']));
    for (const f of ['.', ...files]) expect(fs.lstatSync(path.join(results, f)).uid, `${f}\n${ls}`).toBe(uid);
    // and the student can edit the report as themselves
    expect(spawnSync('runuser', ['-u', user, '--', 'sh', '-c', `echo mine >> ${path.join(results, 'report.md')}`]).status).toBe(0);
  }, 170_000);
});
