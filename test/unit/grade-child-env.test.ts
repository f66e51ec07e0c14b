// The grading child's environment (kit/tools/grade/run-step.ts): the host
// commands a check runs through zx's bash must not source the instructor's
// ~/.bashrc. bash does that when its stdin is a socket (Node's pipes are) and
// SHLVL is below 2, as in a bare environment; with a heavy ~/.bashrc (pyenv)
// that made every grading child several times slower than its check.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { childEnv } from '../../kit/tools/grade/run-step.ts';

let home: string | undefined;
afterEach(() => {
  if (home) fs.rmSync(home, { recursive: true, force: true });
  home = undefined;
});

it("a host command in a grading child does not source the instructor's ~/.bashrc", () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-child-env-'));
  const marker = path.join(home, 'sourced');
  fs.writeFileSync(path.join(home, '.bashrc'), `touch '${marker}'\n`);
  const env = { ...childEnv(path.join(home, 'state'), path.join(home, 'tmp')), HOME: home };
  // a node child with the grading environment runs bash as zx does: stdin a pipe (a socket)
  const script = `require('node:child_process').spawnSync('bash', ['-c', 'true'], { stdio: ['pipe', 'inherit', 'inherit'] })`;
  const r = spawnSync(process.execPath, ['-e', script], { env, stdio: 'inherit' });
  expect(r.status).toBe(0);
  expect(fs.existsSync(marker), 'bash sourced ~/.bashrc in the grading environment').toBe(false);
});
