// The shim builds with -Wall -Wextra -Werror (warnings are bugs in C like this).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../kit/core/paths.ts';

describe('native shim', () => {
  it('compiles cleanly with warnings as errors', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cw-shim-')), 'lib.so');
    try {
      const r = spawnSync('node', [path.join(projectRoot, 'native/build.mjs'), '--force', '--strict', `--out=${out}`], {
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(fs.statSync(out).size).toBeGreaterThan(0);
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });
});
