// The student-facing parts of the driver on fixture trees: cg.write() and its
// errors (the other version's file names the right one), forbidSwap(), the
// step's options, and the host-side view the check uses.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectLayout } from '../../kit/host/cgroup/detect.ts';
import { createCgroup } from '../../kit/host/cgroup/driver.ts';
import { hostCgroupsOf, limitsIn, oomKillsIn } from '../../kit/host/cgroup/inspect.ts';
import { parseProcCgroup } from '../../kit/host/cgroup/membership.ts';
import { cgroupOptions } from '../../kit/host/cgroup/options.ts';
import { KitError } from '../../kit/core/errors.ts';
import { Ledger } from '../../kit/core/ledger.ts';
import type { RunOptions } from '../../kit/core/types.ts';
import { makeFixture, type FixtureKind } from '../fixtures/cgroup/tree.ts';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

async function cgroupOn(kind: FixtureKind, opts?: Parameters<typeof makeFixture>[1]) {
  const fx = makeFixture(kind, opts);
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-cgw-'));
  cleanups.push(fx.dispose, () => fs.rmSync(runs, { recursive: true, force: true }));
  const cg = await createCgroup(new Ledger(runs, 'w1'), 'cw-w1', {}, { host: fx.host, root: fx.root });
  return { fx, cg };
}

const caught = (fn: () => void): KitError => {
  try {
    fn();
  } catch (e) {
    return e as KitError;
  }
  throw new Error('did not throw');
};

describe('cg.write', () => {
  it('writes in the directory of the controller (v1: its own hierarchy)', async () => {
    const { fx, cg } = await cgroupOn('hybrid');
    cg.write('memory', 'memory.limit_in_bytes', '1048576');
    cg.write('cpu', 'cpu.cfs_quota_us', '20000');
    expect(fx.read('memory/container-workshop/cw-w1/memory.limit_in_bytes')).toBe('1048576');
    expect(fx.read('cpu/container-workshop/cw-w1/cpu.cfs_quota_us')).toBe('20000');
    expect(cg.read('cpu', 'cpu.cfs_quota_us')).toBe('20000');
  });

  it('on v1, a v2 file name is an error naming the v1 file', async () => {
    const { cg } = await cgroupOn('hybrid');
    const err = caught(() => cg.write('memory', 'memory.max', '1'));
    expect(err).toBeInstanceOf(KitError);
    expect(err.message).toMatch(/There is no memory\.max in .*: this machine is hybrid .*, where that limit is memory\.limit_in_bytes/);
    expect(err.page).toBe('/steps/04-cgroups#v1-and-v2-files');
    expect(caught(() => cg.write('cpu', 'cpu.max', '1 2')).message).toMatch(/cpu\.cfs_quota_us and cpu\.cfs_period_us/);
  });

  it('on v2, a v1 file name is an error naming the v2 file', async () => {
    const { cg } = await cgroupOn('v2');
    expect(caught(() => cg.write('memory', 'memory.limit_in_bytes', '1')).message).toMatch(
      /this machine is cgroup v2, where that limit is memory\.max/,
    );
    expect(caught(() => cg.write('cpu', 'cpu.cfs_period_us', '100000')).message).toMatch(/where that limit is cpu\.max/);
  });

  it('explains what the kernel expects when it refuses a value', async () => {
    const { fx, cg } = await cgroupOn('v2');
    fx.failWrite('cpu.max', 'EINVAL');
    const err = caught(() => cg.write('cpu', 'cpu.max', '0.5'));
    expect(err.message).toMatch(/Writing "0.5" to .*cpu\.max failed: EINVAL/);
    expect(err.hint).toMatch(/"QUOTA PERIOD" in microseconds/);
  });

  it('forbidSwap: v2 memory.swap.max 0; v1 memsw = the memory limit; nothing without swap accounting', async () => {
    const v2 = await cgroupOn('v2');
    v2.cg.forbidSwap();
    expect(v2.fx.read('container-workshop/cw-w1/memory.swap.max')).toBe('0');
    const v1 = await cgroupOn('v1');
    v1.cg.write('memory', 'memory.limit_in_bytes', '4194304');
    v1.cg.forbidSwap();
    expect(v1.fx.read('memory/container-workshop/cw-w1/memory.memsw.limit_in_bytes')).toBe('4194304');
    const bare = await cgroupOn('v1', { noSwapAccounting: true });
    bare.cg.forbidSwap();
    expect(bare.fx.writes.some((w) => w.file.includes('memsw'))).toBe(false);
  });
});

describe('step 4 options', () => {
  const opts = (o: Partial<RunOptions>): RunOptions => ({ argv: [], solution: false, stepsDir: '', ...o });

  it('has sane defaults: 256 MiB, half a CPU, 64 processes', () => {
    expect(cgroupOptions(opts({}))).toEqual({ memoryBytes: 256 * 2 ** 20, cpuFraction: 0.5, pids: 64 });
  });

  it('reads --memory, --cpus, --pids as the CLI passes them (typed: bytes, numbers), and the extras', () => {
    expect(cgroupOptions(opts({ memory: 64 * 2 ** 20, cpus: 0.25, pids: 10, cpuWeight: 200, ioBps: 2 ** 20 }))).toEqual({
      memoryBytes: 64 * 2 ** 20,
      cpuFraction: 0.25,
      pids: 10,
      cpuWeight: 200,
      ioBps: 2 ** 20,
    });
  });

  // a value that is not a size or a number at all ('lots', 'half'): the CLI refuses it (test/unit/args.test.ts)
  it.each<[Partial<RunOptions>, RegExp]>([
    [{ memory: 2 ** 20 }, /--memory "1 MiB" is not valid: expected at least 8M/],
    [{ cpus: 0 }, /--cpus "0"/],
    [{ pids: 2 }, /--pids "2" is not valid: expected a whole number, at least 3/],
    [{ cpuWeight: 0 }, /--cpu-weight "0"/],
  ])('refuses %j, saying what it expects', (o, re) => {
    expect(() => cgroupOptions(opts(o))).toThrow(re);
  });
});

describe("the check's host-side view", () => {
  it('maps /proc/PID/cgroup to directories, per controller, and reads the counters', async () => {
    const { fx, cg } = await cgroupOn('hybrid');
    const layout = detectLayout(fx.host, fx.root);
    const seen = parseProcCgroup(
      '8:pids:/container-workshop/cw-w1\n4:memory:/container-workshop/cw-w1\n2:cpuacct:/container-workshop/cw-w1\n1:cpu:/container-workshop/cw-w1\n0::/\n',
    );
    const view = hostCgroupsOf(1, layout, seen)!;
    expect(view.driver).toBe('v1');
    expect(view.dirs.memory).toBe(cg.dirFor('memory'));
    expect(view.dirs.cpu).toBe(cg.dirFor('cpu'));
    fs.writeFileSync(`${cg.dirFor('memory')}/memory.oom_control`, 'oom_kill_disable 0\nunder_oom 0\noom_kill 4\n');
    expect(oomKillsIn(view, fx.host)).toBe(4);
    expect(limitsIn(view, fx.host)).toBe(
      'memory.limit_in_bytes=9223372036854771712, cpu.cfs_quota_us=-1, cpu.cfs_period_us=100000, pids.max=max',
    );
  });

  it('on v2 one directory holds every controller', async () => {
    const { fx, cg } = await cgroupOn('v2');
    const view = hostCgroupsOf(1, detectLayout(fx.host, fx.root), parseProcCgroup('0::/container-workshop/cw-w1\n'))!;
    expect(view.driver).toBe('v2');
    expect(new Set(Object.values(view.dirs))).toEqual(new Set([cg.paths[0]]));
    expect(oomKillsIn(view, fx.host)).toBe(0);
    expect(hostCgroupsOf(2 ** 23, detectLayout(fx.host, fx.root))).toBeUndefined(); // no such process
  });
});
