// `.ci/run` installs with `npm ci`, which refuses a lock file that is out of
// step with package.json (an optional dependency the registry does not serve
// made npm install quietly drop it once). Catch that here, not on CI.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../kit/core/paths.ts';

describe('package-lock.json', () => {
  it('is in sync with package.json (npm ci would accept it)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-lock-'));
    try {
      for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(projectRoot, f), path.join(dir, f));
      // --dry-run checks the lock against package.json without installing anything
      const r = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.stderr).not.toMatch(/can only install packages when your package\.json and package-lock\.json/);
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
