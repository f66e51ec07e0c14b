// The real-kernel tests of the cgroup driver, shared by the v1 run on this
// machine (test/integration/cgroup-v1.test.ts) and the v2 run inside a VM
// (test/v2/cgroup-v2.test.ts): same tests, the driver picks the files.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createCgroup,
  detectLayout,
  missingMemberships,
  reclaimers,
  type Cgroup,
  type CgroupLayoutKind,
} from '../../kit/host/cgroup/index.ts';
import { Ledger } from '../../kit/core/ledger.ts';

const MiB = 2 ** 20;

/** The layout of this machine, or undefined when there is no usable cgroup fs or we are not root. */
export function machineLayout(): CgroupLayoutKind | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return detectLayout().kind;
  } catch {
    return undefined;
  }
}

export function cgroupSuite(title: string, layouts: CgroupLayoutKind[]): void {
  const layout = machineLayout();
  const run = layout !== undefined && layouts.includes(layout);

  describe.skipIf(!run)(`${title} (real kernel, ${layout ?? 'no cgroups'})`, () => {
    const children: ChildProcess[] = [];
    const groups: Cgroup[] = [];
    const dirs: string[] = [];
    const id = `${process.pid}-${Date.now().toString(36)}`;
    let n = 0;

    afterEach(async () => {
      for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      for (const g of groups.splice(0)) await g.remove();
      for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    });

    const make = async (limits: Parameters<typeof createCgroup>[2]) => {
      const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-cgtest-'));
      dirs.push(runs);
      const ledger = new Ledger(runs, `t${id}-${n}`);
      const cg = await createCgroup(ledger, `test-${id}-${n++}`, limits);
      groups.push(cg);
      return { cg, ledger };
    };

    /** A shell that waits for one line on stdin before running `script`: time to move it into the cgroup first. */
    const gated = (script: string) => {
      const c = spawn('/bin/sh', ['-c', `read go; ${script}`], { stdio: ['pipe', 'pipe', 'pipe'] });
      children.push(c);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
        c.on('exit', (code, signal) => r({ code, signal })),
      );
      return { pid: c.pid!, go: () => c.stdin!.write('go\n'), exited, out: () => readAll(c) };
    };

    it("creates the cgroup with the version's files, adds a process, and removes everything", async () => {
      const { cg, ledger } = await make({ memoryBytes: 48 * MiB, cpuFraction: 0.5, pids: 20 });
      expect(cg.driver).toBe(layout === 'v2' ? 'v2' : 'v1');
      if (cg.driver === 'v2') {
        expect(read(cg, 'memory', 'memory.max')).toBe(String(48 * MiB));
        expect(read(cg, 'cpu', 'cpu.max')).toBe('50000 100000');
      } else {
        expect(read(cg, 'memory', 'memory.limit_in_bytes')).toBe(String(48 * MiB));
        expect(read(cg, 'cpu', 'cpu.cfs_quota_us')).toBe('50000');
        expect(read(cg, 'cpu', 'cpu.cfs_period_us')).toBe('100000');
      }
      expect(read(cg, 'pids', 'pids.max')).toBe('20');

      const p = gated('exec sleep 60');
      cg.addProcess(p.pid);
      expect(missingMemberships(cg, p.pid)).toEqual([]);
      expect(cg.procs()).toEqual([p.pid]);
      expect(ledger.entries().map((e) => e.kind)).toEqual(['cgroup']);

      await cg.remove();
      expect((await p.exited).signal).toBe('SIGKILL');
      for (const d of cg.paths) expect(fs.existsSync(d)).toBe(false);
      expect(ledger.entries()).toEqual([]);
    });

    it('OOM-kills a process that allocates past the memory limit, and counts it; one under the limit survives', async () => {
      const { cg } = await make({ memoryBytes: 24 * MiB });
      // dd's buffer is bs bytes, all touched by the read from /dev/zero
      const big = gated('exec dd if=/dev/zero of=/dev/null bs=64M count=1');
      cg.addProcess(big.pid);
      big.go();
      expect((await big.exited).signal).toBe('SIGKILL');
      expect(cg.usage().oomKills).toBeGreaterThanOrEqual(1);
      const before = cg.usage().oomKills;

      const small = gated('exec dd if=/dev/zero of=/dev/null bs=4M count=4');
      cg.addProcess(small.pid);
      small.go();
      expect(await small.exited).toEqual({ code: 0, signal: null });
      expect(cg.usage().oomKills).toBe(before);
      const peak = cg.usage().memoryPeakBytes;
      if (peak !== undefined) expect(peak).toBeLessThanOrEqual(24 * MiB + 64 * 1024);
    });

    it('holds a busy loop to its CPU quota (CPU time over a wall interval)', async () => {
      const { cg } = await make({ cpuFraction: 0.2 });
      const p = gated('while :; do :; done');
      cg.addProcess(p.pid);
      p.go();
      await sleep(300);
      const u0 = cg.usage().cpuUsec;
      const t0 = performance.now();
      await sleep(2000);
      const share = (cg.usage().cpuUsec - u0) / 1000 / (performance.now() - t0);
      // unlimited it would take a whole CPU (1.0); a busy machine may give it less than its quota
      expect(share).toBeLessThan(0.3);
      expect(share).toBeGreaterThan(0.02);
    });

    it('makes fork() fail past the pids limit', async () => {
      const { cg } = await make({ pids: 4 });
      const p = gated('for i in 1 2 3 4 5 6 7 8; do sleep 30 >/dev/null 2>&1 & done; wait');
      const out = p.out();
      cg.addProcess(p.pid);
      p.go();
      // the shell and 3 sleeps fit; the 4th fork fails with EAGAIN and the shell gives up
      const exit = await p.exited;
      expect(exit.code).not.toBe(0);
      expect(await out).toMatch(/fork/i);
      expect(cg.procs().length).toBe(3);
      expect(pidsEvents(cg)).toBeGreaterThanOrEqual(1);
    });

    it('freezes and thaws: a frozen busy loop uses no CPU', async () => {
      const { cg } = await make({});
      const p = gated('while :; do :; done');
      cg.addProcess(p.pid);
      p.go();
      await sleep(200);
      await cg.freeze();
      const u0 = cg.usage().cpuUsec;
      await sleep(500);
      expect(cg.usage().cpuUsec - u0).toBeLessThan(20_000);
      await cg.thaw();
      await sleep(300);
      expect(cg.usage().cpuUsec - u0).toBeGreaterThan(20_000);
    });

    it('shares a contended CPU by weight: two busy loops pinned to one CPU at 200:100 get about 2:1', async () => {
      const { cg: heavy } = await make({ cpuWeight: 200 });
      const { cg: light } = await make({ cpuWeight: 100 });
      const loop = 'exec taskset -c 0 sh -c "while :; do :; done"';
      const [a, b] = [gated(loop), gated(loop)];
      heavy.addProcess(a.pid);
      light.addProcess(b.pid);
      a.go();
      b.go();
      await sleep(300);
      const [h0, l0] = [heavy.usage().cpuUsec, light.usage().cpuUsec];
      // in the test VM (software emulation on a shared host) the emulated CPU runs in bursts and
      // a burst's time is charged to whichever loop runs when it resumes: a longer window evens it out
      await sleep(process.env.CW_VM ? 6000 : 2000);
      const ratio = (heavy.usage().cpuUsec - h0) / Math.max(1, light.usage().cpuUsec - l0);
      expect(ratio).toBeGreaterThan(1.4);
      expect(ratio).toBeLessThan(2.8);
    });

    it('the reclaimer empties and removes a cgroup a killed run left behind', async () => {
      const { cg, ledger } = await make({ pids: 10 });
      const p = gated('sleep 60 & sleep 60 & wait');
      cg.addProcess(p.pid);
      p.go();
      await waitFor(() => cg.procs().length === 3, 5000);
      const [entry] = ledger.entries();
      await reclaimers.cgroup!(entry);
      await reclaimers.cgroup!(entry);
      expect((await p.exited).signal).toBe('SIGKILL');
      for (const d of cg.paths) expect(fs.existsSync(d)).toBe(false);
    });
  });
}

/** pids.events "max N": how often a fork was refused */
function pidsEvents(cg: Cgroup): number {
  return Number(/^max (\d+)/m.exec(read(cg, 'pids', 'pids.events'))?.[1] ?? 0);
}

function read(cg: Cgroup, controller: string, file: string): string {
  return fs.readFileSync(path.join(cg.dirFor(controller), file), 'utf8').trim();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

/** Everything the process writes, once it has exited. */
function readAll(c: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    c.stdout?.on('data', (d: Buffer) => (s += d.toString()));
    c.stderr?.on('data', (d: Buffer) => (s += d.toString()));
    c.on('close', () => resolve(s));
  });
}
