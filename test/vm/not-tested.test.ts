// Where the test VM cannot run, `npm test` must not pass quietly with cgroup v2
// untested: the v2 test is skipped with the reason, and vitest's output ends
// with a loud line that repeats it (test/vm/v2-reporter.ts). Simulated here
// with a QEMU that does not exist, in a nested vitest run of the v2 test alone.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../kit/core/paths.ts';
import { machineLayout } from '../integration/cgroup-suite.ts';
import { V2_TEST_FILE } from './v2-reporter.ts';

describe.skipIf(machineLayout() === undefined || machineLayout() === 'v2')('when cgroup v2 cannot be tested', () => {
  it('the v2 test is skipped and the run ends with a loud line saying so, and why', () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-vm-cache-'));
    try {
      // the nested vitest must not believe it is one of this run's workers
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
      const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', V2_TEST_FILE], {
        cwd: projectRoot,
        env: { ...env, CW_VM_QEMU: '/nonexistent/qemu-system-x86_64', CW_VM_CACHE: cache, NO_COLOR: '1', FORCE_COLOR: '0' },
        encoding: 'utf8',
        timeout: 90_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/1 skipped/);
      const end = r.stdout.trimEnd().split('\n').slice(-3).join('\n');
      expect(end).toMatch(
        /^!{40,}\n!! cgroup v2 was NOT tested: QEMU \(\/nonexistent\/qemu-system-x86_64\) is not installed\. What to do: .*apt-get install qemu-system-x86\n!{40,}$/,
      );
      // nothing was fetched or built for a VM that could not run
      expect(fs.readdirSync(cache)).toEqual([]);
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});
