// Not root: re-run through sudo, or a clear message when there is no sudo.
// Not Linux: a clear message.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureLinux } from '../../kit/tools/cli/privileges.ts';
import { KitError } from '../../kit/core/errors.ts';
import { projectRoot } from '../../kit/core/paths.ts';

describe('privileges', () => {
  it('as a normal user without sudo: says root is needed and how to get it, exit 77', () => {
    // a PATH with node and nothing else, so sudo cannot be found
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-nosudo-'));
    fs.chmodSync(bin, 0o755);
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    try {
      const r = spawnSync(
        '/usr/bin/setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          '--',
          'node',
          '--import',
          'tsx',
          'kit/tools/cli/main.ts',
          'step',
          '1',
          '--solution',
          '--',
          'true',
        ],
        { cwd: projectRoot, encoding: 'utf8', env: { PATH: bin, HOME: '/tmp', NO_COLOR: '1' }, timeout: 30_000 },
      );
      expect(r.stderr).toMatch(/needs root .* sudo is not installed/);
      expect(r.stderr).toMatch(/what to do:/);
      expect(r.status).toBe(77);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  it('on another operating system: explains that containers are Linux features', () => {
    const real = process.platform;
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    try {
      expect(() => ensureLinux()).toThrow(KitError);
      expect(() => ensureLinux()).toThrow(/Linux kernel features, and this is darwin/);
    } finally {
      Object.defineProperty(process, 'platform', { value: real });
    }
  });
});
