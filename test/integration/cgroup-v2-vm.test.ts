// cgroup v2 for real: runs test/v2 (the driver's and check 4's tests on a pure
// v2 hierarchy) inside the kit's own test VM (test/vm), since this host is v1
// or hybrid and its hierarchies must not be changed. On a pure v2 host they
// run right here. Where neither can happen, the test is skipped with the
// reason, and test/vm/v2-reporter.ts repeats it loudly at the end of npm test.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../kit/core/paths.ts';
import { ensureRootfs } from '../../kit/host/image/rootfs.ts';
import { prepareVm, runInVm, vmUnavailable, VmUnavailable } from '../vm/vm.ts';
import { machineLayout } from './cgroup-suite.ts';

/** Node starts about 10-20x slower under QEMU's software emulation: vitest's own binary, never npx. */
const VITEST_V2 = ['node_modules/.bin/vitest', 'run', '--config', 'test/v2/vitest.config.ts', '--reporter=dot', '--reporter=json'];

interface V2Report {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: { name: string; startTime: number; endTime: number }[];
}

describe('cgroup v2 on a real pure v2 hierarchy', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-v2-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it("the driver's and check 4's v2 tests pass (in the kit's test VM unless this host is pure v2)", { timeout: 720_000 }, async (ctx) => {
    const report = path.join(out, 'v2.json');
    const argv = [...VITEST_V2, `--outputFile.json=${report}`];
    let where: string;
    let output: string;
    let code: number | null;
    if (machineLayout() === 'v2') {
      ({ code, output } = await onHost(argv));
      where = 'on this host (pure v2)';
    } else {
      const why = vmUnavailable();
      if (why) return ctx.skip(`${why.reason}. What to do: ${why.fix}`);
      // the container's rootfs is built on the host (seconds) rather than in the VM (minutes)
      ensureRootfs((m) => console.log(m));
      let image;
      try {
        image = await prepareVm((m) => console.log(m));
      } catch (err) {
        if (err instanceof VmUnavailable) return ctx.skip(`${err.reason}. What to do: ${err.fix}`);
        throw err;
      }
      // fill vitest's transform cache on the host (here every v2 test skips, but all their
      // imports are transformed): the VM reads it instead of transforming again, 10x slower
      const warm = await onHost(VITEST_V2.slice(0, 4));
      if (warm.code !== 0) console.log(`warming the transform cache failed (the VM will transform itself):\n${warm.output.slice(-2000)}`);
      const env = process.env.CW_STATE_DIR ? { CW_STATE_DIR: process.env.CW_STATE_DIR } : undefined;
      const r = await runInVm({ argv, rw: [out], env, timeoutSec: 540 }, image);
      ({ code } = r);
      output = `${r.stdout}\n${r.stderr}`;
      where = `in the test VM (kernel ${image.kver}, ${r.accel === 'kvm' ? 'KVM' : 'software emulation'}): ${(r.ms / 1000).toFixed(1)} s`;
    }
    console.log(`cgroup v2 tests ${where}`);
    const duration = /Duration .*/.exec(output.replace(/\x1b\[[0-9;]*m/g, ''));
    if (duration) console.log(`  vitest there: ${duration[0]}`);
    expect(code, output.slice(-4000)).toBe(0);
    const json = JSON.parse(fs.readFileSync(report, 'utf8')) as V2Report;
    for (const f of json.testResults)
      console.log(`  ${path.relative(projectRoot, f.name)} ${((f.endTime - f.startTime) / 1000).toFixed(1)} s`);
    // a skipped test would mean the hierarchy was not pure v2: that must not pass silently
    expect(json.numFailedTests).toBe(0);
    expect(json.numPendingTests).toBe(0);
    expect(json.numPassedTests).toBeGreaterThanOrEqual(10);
  });
});

function onHost(argv: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // a vitest of its own, not one of this run's workers
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
    const c = spawn(argv[0], argv.slice(1), { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    c.stdout.on('data', (d: Buffer) => (output += d.toString()));
    c.stderr.on('data', (d: Buffer) => (output += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, output }));
  });
}
