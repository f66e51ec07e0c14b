// LXC as a benchmark environment, for real: created from the busybox
// template, sysbench attached inside, every trace gone afterwards.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../kit/core/ledger.ts';
import { namespaceId } from '../../kit/host/proc.ts';
import { lxcEnvironment, LXC_WORKDIR } from '../../kit/tools/bench/lxc-env.ts';
import { containerName, createLxc, lxcAvailability, lxcPath, reclaimers } from '../../kit/host/lxc/lxc.ts';
import { parseSysbench } from '../../kit/tools/bench/parse.ts';
import { hostEnvironment } from '../../kit/tools/bench/host-env.ts';

const available = await lxcAvailability();
const root = process.getuid?.() === 0;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-lxc-test-'));
const ledger = new Ledger(path.join(tmp, 'runs'), 'lxctest');
const names: string[] = [];

const newName = () => {
  const id = `t${crypto.randomBytes(3).toString('hex')}`;
  names.push(containerName(id));
  return id;
};

function leftovers(name: string): string[] {
  const found: string[] = [];
  if (fs.existsSync(path.join('/var/lib/lxc', name))) found.push(`/var/lib/lxc/${name}`);
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    if (!/ - cgroup2? /.test(line)) continue;
    const mnt = line.split(' ')[4];
    for (const sub of [`lxc.payload.${name}`, `lxc.monitor.${name}`])
      if (fs.existsSync(path.join(mnt, sub))) found.push(path.join(mnt, sub));
  }
  return found;
}

afterEach(async () => {
  await ledger.teardown(reclaimers);
});

afterAll(async () => {
  for (const n of names) await reclaimers.lxc?.({ kind: 'lxc', name: n, id: 0 });
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!root || !available.ok)('LXC benchmark environment', () => {
  it('runs sysbench inside its own namespaces and cgroup, then leaves nothing behind', async () => {
    const runId = newName();
    const env = lxcEnvironment({ ledger, stateDir: tmp, runId, version: available.ok ? available.version : '?' });
    const name = containerName(runId);
    try {
      await env.setup();
      expect(ledger.entries().map((e) => e.kind)).toEqual(['lxc']);
      expect(fs.existsSync(path.join(await lxcPath(), name, 'rootfs', 'bench'))).toBe(true);
      const out = await env.run(['sysbench', 'cpu', '--cpu-max-prime=2000', '--events=2000', '--time=5', 'run'], { cwd: LXC_WORKDIR });
      expect(out.exitCode).toBe(0);
      expect(parseSysbench(out.stdout).eventsPerSec).toBeGreaterThan(0);
      for (const ns of ['pid', 'mnt', 'net', 'uts', 'ipc'] as const) {
        expect(out.nsIds?.[ns], ns).toBeDefined();
        expect(out.nsIds?.[ns], ns).not.toBe(namespaceId('self', ns));
      }
      expect(out.cgroup).toContain(`lxc.payload.${name}`);
      expect(out.cwdFs?.mountPoint).toBe('/');
      // the host /usr is there, read-only
      const ro = await env.run(
        [
          '/bin/sh',
          '-c',
          'touch /usr/cw-should-fail 2>/dev/null && echo writable || echo read-only; ip link 2>/dev/null | grep -c "^[0-9]"',
        ],
        { cwd: '/' },
      );
      expect(ro.stdout.split('\n')[0]).toBe('read-only');
      expect(Number(ro.stdout.split('\n')[1])).toBe(1); // only lo: no network
    } finally {
      await env.teardown();
    }
    expect(leftovers(name)).toEqual([]);
    expect(ledger.entries()).toEqual([]);
  });

  it("files written in its working directory are on the host's filesystem, like the host env's", async () => {
    const runId = newName();
    const lxc = lxcEnvironment({ ledger, stateDir: tmp, runId, version: '?' });
    const host = hostEnvironment({ ledger, stateDir: tmp, runId });
    try {
      await lxc.setup();
      await host.setup();
      const args = ['sysbench', 'fileio', '--file-total-size=8M', '--file-num=2'];
      const a = await lxc.run([...args, 'prepare'], { cwd: LXC_WORKDIR });
      expect(a.exitCode).toBe(0);
      const r = await lxc.run([...args, '--file-test-mode=rndrd', '--events=2000', '--time=5', 'run'], { cwd: LXC_WORKDIR });
      const h = await host.run([...args, '--file-test-mode=rndrd', '--events=2000', '--time=5', 'run'], { cwd: host.workDir });
      expect(r.exitCode).toBe(0);
      expect(h.exitCode).toBe(1); // not prepared on the host: FATAL, no numbers
      expect(parseSysbench(h.stdout).fatal).toMatch(/Cannot open file/);
      expect(parseSysbench(r.stdout).fileio?.readMiBps).toBeGreaterThan(0);
    } finally {
      await host.teardown();
      await lxc.teardown();
    }
    expect(fs.existsSync(host.workDir)).toBe(false);
  });

  it('a run killed after lxc-create is reclaimed from its ledger', async () => {
    const runId = newName();
    const name = containerName(runId);
    const lost = new Ledger(path.join(tmp, 'runs'), `lost-${runId}`);
    await createLxc(lost, name, tmp);
    expect(fs.existsSync(path.join(await lxcPath(), name))).toBe(true);
    // as `npm run clean` would: the ledger's entries, the module's reclaimer
    const errors = await lost.teardown(reclaimers);
    expect(errors).toEqual([]);
    expect(leftovers(name)).toEqual([]);
    // twice is fine (idempotent)
    await reclaimers.lxc?.({ kind: 'lxc', name, id: 1 });
  });
});
