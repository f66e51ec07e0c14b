// The driver against fixture trees of each layout: which directories it
// makes, which files it writes with which values, membership, usage,
// freezing, killing, removal and the ledger. No real cgroup, no real signal.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCgroup } from '../../kit/host/cgroup/driver.ts';
import { reclaimersFor } from '../../kit/host/cgroup/reclaim.ts';
import { KitError } from '../../kit/core/errors.ts';
import { Ledger } from '../../kit/core/ledger.ts';
import { makeFixture, type Fixture, type FixtureKind, type FixtureOptions } from '../fixtures/cgroup/tree.ts';

const limits = { memoryBytes: 64 * 2 ** 20, cpuFraction: 0.25, pids: 16 };
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function setup(kind: FixtureKind, opts?: FixtureOptions): { fx: Fixture; ledger: Ledger } {
  const fx = makeFixture(kind, opts);
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-cgledger-'));
  cleanups.push(fx.dispose, () => fs.rmSync(runs, { recursive: true, force: true }));
  return { fx, ledger: new Ledger(runs, 'abc123') };
}

const on = (fx: Fixture) => ({ host: fx.host, root: fx.root });
const written = (fx: Fixture) => fx.writes.map((w) => `${w.file}=${w.value}`);
const thrown = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('v2 (unified)', () => {
  it('enables the controllers on the root and the kit parent, then writes v2 files in a leaf', async () => {
    const { fx, ledger } = setup('v2', { rootSubtree: 'memory' });
    const cg = await createCgroup(ledger, 'run-abc123', limits, on(fx));
    expect(cg.driver).toBe('v2');
    expect(cg.layout).toBe('v2');
    expect(cg.paths).toEqual([`${fx.root}/container-workshop/run-abc123`]);
    expect(fx.mkdirs).toEqual(['container-workshop', 'container-workshop/run-abc123']);
    expect(written(fx)).toEqual([
      'cgroup.subtree_control=+cpu', // memory was already on
      'cgroup.subtree_control=+pids',
      'container-workshop/cgroup.subtree_control=+cpu',
      'container-workshop/cgroup.subtree_control=+memory',
      'container-workshop/cgroup.subtree_control=+pids',
      'container-workshop/run-abc123/memory.max=67108864',
      'container-workshop/run-abc123/memory.swap.max=0',
      'container-workshop/run-abc123/cpu.max=25000 100000',
      'container-workshop/run-abc123/pids.max=16',
    ]);
    // nothing v1 on a v2 machine
    expect(written(fx).some((w) => /limit_in_bytes|cfs_|cpu\.shares/.test(w))).toBe(false);
  });

  it('adds a process via cgroup.procs, reports membership path and usage', async () => {
    const { fx, ledger } = setup('v2');
    const cg = await createCgroup(ledger, 'run-1', limits, on(fx));
    cg.addProcess(4242);
    expect(fx.read('container-workshop/run-1/cgroup.procs')).toBe('4242\n');
    expect(cg.procs()).toEqual([4242]);
    expect(cg.procPath('memory')).toBe('/container-workshop/run-1');
    fs.writeFileSync(`${cg.paths[0]}/cpu.stat`, 'usage_usec 1500000\nuser_usec 1000000\n');
    fs.writeFileSync(`${cg.paths[0]}/memory.peak`, '1048576\n');
    fs.writeFileSync(`${cg.paths[0]}/memory.events`, 'low 0\nhigh 0\nmax 9\noom 2\noom_kill 2\n');
    expect(cg.usage()).toEqual({ cpuUsec: 1_500_000, memoryPeakBytes: 1_048_576, oomKills: 2 });
  });

  it('kills with cgroup.kill, removes the leaf and the unused parent, forgets the ledger entry', async () => {
    const { fx, ledger } = setup('v2');
    const cg = await createCgroup(ledger, 'run-1', limits, on(fx));
    cg.addProcess(4242);
    cg.addProcess(4243);
    await cg.remove();
    expect(written(fx)).toContain('container-workshop/run-1/cgroup.kill=1');
    expect(fx.kills.map((k) => k.pid).sort()).toEqual([4242, 4243]);
    expect(fs.existsSync(`${fx.root}/container-workshop`)).toBe(false);
    expect(ledger.entries()).toEqual([]);
    await cg.remove(); // idempotent
  });

  it('keeps the kit parent while another run still uses it', async () => {
    const { fx, ledger } = setup('v2');
    const a = await createCgroup(ledger, 'run-a', limits, on(fx));
    const b = await createCgroup(ledger, 'run-b', limits, on(fx));
    await a.remove();
    expect(fs.existsSync(b.paths[0])).toBe(true);
    await b.remove();
    expect(fs.existsSync(`${fx.root}/container-workshop`)).toBe(false);
  });

  it('freezes with cgroup.freeze and waits for cgroup.events to say frozen', async () => {
    const { fx, ledger } = setup('v2');
    const cg = await createCgroup(ledger, 'run-1', {}, on(fx));
    await cg.freeze();
    expect(fx.read('container-workshop/run-1/cgroup.events')).toMatch(/frozen 1/);
    await cg.thaw();
    expect(fx.read('container-workshop/run-1/cgroup.freeze')).toBe('0');
  });

  it('names a controller the kernel does not offer, and how to enable it', async () => {
    const { fx, ledger } = setup('v2', { rootControllers: 'cpu io pids' });
    const err = (await thrown(createCgroup(ledger, 'run-1', limits, on(fx)))) as KitError;
    expect(err).toBeInstanceOf(KitError);
    expect(err.message).toMatch(/memory controller is not available/);
    expect(err.hint).toMatch(/cgroup_enable=memory/);
    expect(err.page).toBe('/steps/04-cgroups#troubleshooting');
    expect(fx.mkdirs).toEqual([]);
    expect(ledger.entries()).toEqual([]);
  });

  it('explains a controller that cannot be enabled (not delegated / no internal processes)', async () => {
    const { fx, ledger } = setup('v2');
    fx.failWrite('cgroup.subtree_control', 'EBUSY');
    const err = (await thrown(createCgroup(ledger, 'run-1', limits, on(fx)))) as KitError;
    expect(err).toBeInstanceOf(KitError);
    expect(err.message).toMatch(/Could not enable the cpu controller .* EBUSY/);
    expect(err.hint).toMatch(/Delegate=yes/);
    expect(err.hint).toMatch(/no internal processes/);
  });

  it('enables io for the kit parent too when the root already hands it down (an I/O limit may come later)', async () => {
    const { fx, ledger } = setup('v2', { rootSubtree: 'cpu io memory pids' });
    await createCgroup(ledger, 'run-1', {}, on(fx));
    expect(written(fx)).toContain('container-workshop/cgroup.subtree_control=+io');
    expect(written(fx).filter((w) => w.startsWith('cgroup.subtree_control'))).toEqual([]); // the root is left alone
  });

  it('needs io only for an I/O limit', async () => {
    const { fx, ledger } = setup('v2', { rootSubtree: 'cpu memory pids' });
    await createCgroup(ledger, 'run-1', { ioBps: { device: '7:0', write: 1000 } }, on(fx));
    expect(written(fx)).toEqual([
      'cgroup.subtree_control=+io',
      'container-workshop/cgroup.subtree_control=+cpu',
      'container-workshop/cgroup.subtree_control=+memory',
      'container-workshop/cgroup.subtree_control=+pids',
      'container-workshop/cgroup.subtree_control=+io',
      'container-workshop/run-1/io.max=7:0 rbps=max wbps=1000',
    ]);
  });

  it('undoes a half-made cgroup when a limit cannot be written', async () => {
    const { fx, ledger } = setup('v2');
    fx.failWrite('pids.max', 'EINVAL');
    const err = (await thrown(createCgroup(ledger, 'run-1', limits, on(fx)))) as KitError;
    expect(err.message).toMatch(/Writing "16" to .*pids.max failed: EINVAL/);
    expect(fs.existsSync(`${fx.root}/container-workshop/run-1`)).toBe(false);
    expect(ledger.entries()).toEqual([]);
  });
});

describe('v1', () => {
  it('makes one directory per hierarchy (cpu,cpuacct together) and writes v1 files', async () => {
    const { fx, ledger } = setup('v1');
    const cg = await createCgroup(ledger, 'run-abc123', { ...limits, cpuWeight: 50 }, on(fx));
    expect(cg.driver).toBe('v1');
    expect(cg.paths.map((p) => path.relative(fx.root, p))).toEqual([
      'memory/container-workshop/run-abc123',
      'cpu,cpuacct/container-workshop/run-abc123',
      'pids/container-workshop/run-abc123',
      'freezer/container-workshop/run-abc123',
      'blkio/container-workshop/run-abc123',
    ]);
    expect(written(fx)).toEqual([
      'memory/container-workshop/run-abc123/memory.limit_in_bytes=67108864',
      'memory/container-workshop/run-abc123/memory.memsw.limit_in_bytes=67108864',
      'cpu,cpuacct/container-workshop/run-abc123/cpu.cfs_period_us=100000',
      'cpu,cpuacct/container-workshop/run-abc123/cpu.cfs_quota_us=25000',
      'cpu,cpuacct/container-workshop/run-abc123/cpu.shares=512',
      'pids/container-workshop/run-abc123/pids.max=16',
    ]);
  });

  it('skips memsw without swap accounting', async () => {
    const { fx, ledger } = setup('v1', { noSwapAccounting: true });
    await createCgroup(ledger, 'run-1', limits, on(fx));
    expect(written(fx).some((w) => w.includes('memsw'))).toBe(false);
  });

  it('adds a process to every hierarchy; usage from cpuacct (ns), max_usage_in_bytes, oom_control', async () => {
    const { fx, ledger } = setup('v1');
    const cg = await createCgroup(ledger, 'run-1', limits, on(fx));
    cg.addProcess(777);
    for (const p of cg.paths) expect(fs.readFileSync(`${p}/cgroup.procs`, 'utf8')).toBe('777\n');
    expect(cg.procPath('memory')).toBe('/container-workshop/run-1');
    fs.writeFileSync(`${cg.dirFor('cpuacct')}/cpuacct.usage`, '2500000000\n');
    fs.writeFileSync(`${cg.dirFor('memory')}/memory.max_usage_in_bytes`, '4096\n');
    fs.writeFileSync(`${cg.dirFor('memory')}/memory.oom_control`, 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n');
    expect(cg.usage()).toEqual({ cpuUsec: 2_500_000, memoryPeakBytes: 4096, oomKills: 3 });
  });

  it('kills frozen (freezer.state FROZEN, SIGKILL, THAWED) and rmdirs on every hierarchy', async () => {
    const { fx, ledger } = setup('v1');
    const cg = await createCgroup(ledger, 'run-1', limits, on(fx));
    cg.addProcess(777);
    await cg.remove();
    const states = fx.writes.filter((w) => w.file.endsWith('freezer.state')).map((w) => w.value);
    expect(states).toEqual(['FROZEN', 'THAWED']);
    expect(fx.kills).toEqual([{ pid: 777, signal: 'SIGKILL' }]);
    for (const p of cg.paths) expect(fs.existsSync(p)).toBe(false);
    for (const p of cg.paths) expect(fs.existsSync(path.dirname(p))).toBe(false);
    expect(ledger.entries()).toEqual([]);
  });

  it('uses blkio only for an I/O limit, with throttle files', async () => {
    const { fx, ledger } = setup('v1');
    const cg = await createCgroup(ledger, 'run-1', { ioBps: { device: '7:0', read: 10, write: 20 } }, on(fx));
    expect(cg.controllers).toContain('blkio');
    expect(written(fx)).toEqual([
      'blkio/container-workshop/run-1/blkio.throttle.read_bps_device=7:0 10',
      'blkio/container-workshop/run-1/blkio.throttle.write_bps_device=7:0 20',
    ]);
  });

  it('fills cpuset.cpus/mems of new cpuset cgroups from the parent (else joining fails)', async () => {
    const { fx, ledger } = setup('v1', { mountinfo: 'mountinfo-v1-cpuset.txt' });
    const cg = await createCgroup(ledger, 'run-1', {}, on(fx));
    expect(fx.read('cpu,cpuset/container-workshop/cpuset.cpus')).toBe('0-1');
    expect(fs.readFileSync(`${cg.dirFor('cpu')}/cpuset.mems`, 'utf8')).toBe('0');
  });

  it('names a missing v1 controller and how to mount or enable it', async () => {
    const { fx, ledger } = setup('v1', { mountinfo: 'mountinfo-v1-no-pids.txt' });
    const err = (await thrown(createCgroup(ledger, 'run-1', limits, on(fx)))) as KitError;
    expect(err).toBeInstanceOf(KitError);
    expect(err.message).toMatch(/No cgroup v1 hierarchy with the pids controller/);
    expect(err.hint).toMatch(/mount -t cgroup -o pids/);
    expect(err.hint).toMatch(/systemd.unified_cgroup_hierarchy=1/);
  });
});

describe('hybrid', () => {
  it('uses the v1 hierarchies (where the controllers are), nothing in unified', async () => {
    const { fx, ledger } = setup('hybrid');
    const cg = await createCgroup(ledger, 'run-1', limits, on(fx));
    expect(cg.layout).toBe('hybrid');
    expect(cg.driver).toBe('v1');
    expect(cg.paths.map((p) => path.relative(fx.root, p).split('/')[0])).toEqual(['memory', 'cpu', 'cpuacct', 'pids', 'freezer', 'blkio']);
    expect(fx.writes.some((w) => w.file.startsWith('unified'))).toBe(false);
    expect(written(fx)).toContain('cpu/container-workshop/run-1/cpu.cfs_quota_us=25000');
  });
});

describe('ledger and reclaimer', () => {
  it('records every path before the first mkdir', async () => {
    const { fx, ledger } = setup('v1');
    const seen: string[][] = [];
    const mkdir = fx.host.mkdir;
    fx.host.mkdir = (p) => {
      seen.push(ledger.entries().flatMap((e) => (e.kind === 'cgroup' ? e.paths : [])));
      mkdir(p);
    };
    const cg = await createCgroup(ledger, 'run-1', limits, on(fx));
    // the kit parents come first, then the leaves; the entry is there for all of them
    for (const s of seen) expect(s).toEqual(cg.paths);
  });

  it('reclaims a half-made cgroup with a process inside; twice is harmless', async () => {
    const { fx, ledger } = setup('v1');
    const cg = await createCgroup(ledger, 'run-1', limits, on(fx));
    cg.addProcess(999);
    fs.rmSync(cg.paths[2], { recursive: true }); // pids never got made
    const [entry] = ledger.entries();
    const reclaim = reclaimersFor(fx.host).cgroup!;
    await reclaim(entry);
    await reclaim(entry);
    expect(fx.kills.map((k) => k.pid)).toEqual([999]);
    for (const p of cg.paths) expect(fs.existsSync(p)).toBe(false);
  });

  it('reclaims a cgroup a step nested its own cgroups in, with processes inside, children first', async () => {
    const { fx, ledger } = setup('v1');
    const cg = await createCgroup(ledger, 'run-1', limits, on(fx));
    const child = path.join(cg.paths[0], 'inner');
    fx.host.mkdir(child);
    fx.host.mkdir(path.join(child, 'deeper'));
    fx.host.write(path.join(child, 'deeper', 'cgroup.procs'), '4242');
    const [entry] = ledger.entries();
    await reclaimersFor(fx.host).cgroup!(entry);
    expect(fx.kills.map((k) => k.pid)).toContain(4242);
    for (const p of cg.paths) expect(fs.existsSync(p)).toBe(false);
  });

  it("parent '': a cgroup at each hierarchy's root (the grader's jails), removed without touching the root", async () => {
    for (const kind of ['v1', 'v2'] as const) {
      const { fx, ledger } = setup(kind, kind === 'v2' ? { rootSubtree: 'memory' } : undefined);
      const cg = await createCgroup(ledger, 'jail-1', limits, { ...on(fx), parent: '' });
      for (const p of cg.paths) expect(path.basename(path.dirname(p))).not.toBe('container-workshop');
      for (const p of cg.paths) expect(fs.existsSync(p)).toBe(true);
      expect(fx.mkdirs.some((m) => m.includes('container-workshop'))).toBe(false);
      await cg.remove();
      for (const p of cg.paths) expect(fs.existsSync(p)).toBe(false);
      for (const p of cg.paths) expect(fs.existsSync(path.dirname(p))).toBe(true);
    }
  });

  it('refuses odd names', async () => {
    const { fx, ledger } = setup('v2');
    await expect(createCgroup(ledger, '../escape', {}, on(fx))).rejects.toThrow(/not a usable cgroup name/);
  });
});
