// cgroup v2 for real: runs test/v2 (the driver's tests on a pure v2
// hierarchy) inside cg2vm's VM, since this host is hybrid and its
// hierarchies must not be changed.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CG2VM, hasCg2vm, runInVm } from './cgroup-cg2vm.ts';

const has = hasCg2vm();
if (!has) console.warn(`cgroup v2 VM tests skipped: ${CG2VM} not found (or not root). They need ../shared/tools/cg2vm next to the project.`);

describe('cgroup v2 inside cg2vm', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-cg2vm-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it.skipIf(!has)('the driver\'s and check 4\'s v2 tests pass on a real v2 hierarchy (skipped without ../shared/tools/cg2vm)', { timeout: 420_000 }, async () => {
    const report = path.join(out, 'v2.json');
    const r = await runInVm({
      argv: ['node_modules/.bin/vitest', 'run', '--config', 'test/v2/vitest.config.ts', '--reporter=dot', '--reporter=json', `--outputFile.json=${report}`],
      rw: [out],
      timeoutSec: 360,
    });
    console.log(`cg2vm: ${(r.ms / 1000).toFixed(1)} s${r.tcg ? ' (TCG: KVM unusable here)' : ''}`);
    expect(r.code, r.output.slice(-3000)).toBe(0);
    const json = JSON.parse(fs.readFileSync(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      testResults: { name: string; startTime: number; endTime: number }[];
    };
    for (const f of json.testResults) console.log(`  in the VM: ${path.relative(process.cwd(), f.name)} ${((f.endTime - f.startTime) / 1000).toFixed(1)} s`);
    // skipped tests would mean the VM was not pure v2: that must not pass silently
    expect(json.numFailedTests).toBe(0);
    expect(json.numPendingTests).toBe(0);
    expect(json.numPassedTests).toBeGreaterThanOrEqual(10);
  });
});
