// The host snapshot must see every kind of leftover it is used to rule out:
// a mount, a loop device, a veth, a named network namespace, a kit cgroup, a
// process in namespaces of its own, a ledger. Each is made here by hand (with
// names only this test uses), seen in the difference, removed, and gone from
// it. Plus the pure logic: multiset difference and its printed form.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KIT_PARENT } from '../../kit/host/cgroup/tree.ts';
import { DEFAULT_KIT_CGROUP, diffSnapshots, formatDiff, takeSnapshot, type HostSnapshot } from '../../kit/host/snapshot.ts';
import { findProcess } from './inspect.ts';
import { digits } from './sandbox.ts';

const empty = (): HostSnapshot => ({ mounts: [], loops: [], links: [], netns: [], cgroups: [], processes: [], hostname: ['h'], state: [] });

describe('snapshot differences', () => {
  it('are multiset differences, both ways, printed one item a line', () => {
    const a = { ...empty(), mounts: ['/a tmpfs x', '/a tmpfs x'], links: ['lo'] };
    const b = { ...empty(), mounts: ['/a tmpfs x'], links: ['lo', 'cw1a2b3ch'], hostname: ['other'] };
    expect(formatDiff(diffSnapshots(a, b))).toEqual(['- mounts: /a tmpfs x', '+ links: cw1a2b3ch', '+ hostname: other', '- hostname: h']);
    expect(diffSnapshots(a, a)).toEqual([]);
  });

  it("recognise the kit's cgroups", () => {
    expect(DEFAULT_KIT_CGROUP(`/${KIT_PARENT}`)).toBe(true);
    expect(DEFAULT_KIT_CGROUP(`/${KIT_PARENT}/cw-1a2b3c`)).toBe(true);
    expect(DEFAULT_KIT_CGROUP('/system.slice/cron.service')).toBe(false);
  });
});

describe('a snapshot of the real host', () => {
  const n = digits();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-snapshot-'));
  const mnt = path.join(dir, 'mnt');
  const img = path.join(dir, 'disk.img');
  const veth = `cwsnap${n.slice(0, 4)}h`;
  const netns = `cw-snap${n}`;
  const cgroup = `/sys/fs/cgroup/pids/cw-snaptest${n}`; // a cw- name: the kit's kind of name
  let loop = '';
  let proc: ChildProcess | undefined;
  const sh = (cmd: string, ...args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });

  afterAll(() => {
    proc?.kill('SIGKILL');
    const left = findProcess(`sleep 30.${n}`); // ours: the random number is in its command line
    if (left) process.kill(left, 'SIGKILL');
    sh('umount', mnt);
    if (loop) sh('losetup', '-d', loop);
    sh('ip', 'link', 'delete', veth);
    sh('ip', 'netns', 'delete', netns);
    if (fs.existsSync(cgroup)) fs.rmdirSync(cgroup);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sees a mount, a loop device, a veth, a netns, a kit cgroup, a namespaced process and a ledger, and their removal', async () => {
    const state = path.join(dir, 'state');
    fs.mkdirSync(path.join(state, 'runs'), { recursive: true });
    const before = await takeSnapshot({ stateDir: state });

    fs.mkdirSync(mnt);
    expect(sh('mount', '-t', 'tmpfs', 'cw-snapshot', mnt).status).toBe(0);
    fs.writeFileSync(img, Buffer.alloc(1024 * 1024));
    loop = sh('losetup', '--find', '--show', img).stdout.trim();
    expect(sh('ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', `cwsnap${n.slice(0, 4)}c`).status).toBe(0);
    expect(sh('ip', 'netns', 'add', netns).status).toBe(0);
    const hasPids = fs.existsSync('/sys/fs/cgroup/pids');
    if (hasPids) fs.mkdirSync(cgroup);
    // --kill-child: without it, killing unshare would leave its sleep behind (the snapshot sees that too)
    proc = spawn('unshare', ['--pid', '--fork', '--kill-child', '--mount-proc', '--uts', 'sleep', `30.${n}`], { stdio: 'ignore' });
    fs.writeFileSync(path.join(state, 'runs', 'abc123.json'), '{}');
    await new Promise((r) => setTimeout(r, 300)); // let unshare fork and exec

    const during = formatDiff(diffSnapshots(before, await takeSnapshot({ stateDir: state })));
    const has = (re: RegExp) => during.some((l) => re.test(l));
    expect(has(new RegExp(`^\\+ mounts: ${mnt} tmpfs cw-snapshot$`)), during.join('\n')).toBe(true);
    expect(has(new RegExp(`^\\+ loops: ${loop} ${img}$`))).toBe(true);
    expect(has(new RegExp(`^\\+ links: ${veth}$`))).toBe(true);
    expect(has(new RegExp(`^\\+ netns: ${netns}$`))).toBe(true);
    expect(has(/^\+ mounts: \/run\/netns\/cw-snap/)).toBe(true); // ip netns add bind-mounts the namespace
    if (hasPids) expect(has(new RegExp(`^\\+ cgroups: /sys/fs/cgroup/pids:/cw-snaptest${n}$`))).toBe(true);
    expect(has(new RegExp(`^\\+ processes: \\d+/\\d+ pid,mnt,uts sleep 30\\.${n}$`)), during.join('\n')).toBe(true);
    expect(has(/^\+ state: runs\/abc123\.json$/)).toBe(true);

    proc.kill('SIGKILL');
    await new Promise((r) => proc?.once('close', r));
    for (let i = 0; i < 100 && findProcess(`sleep 30.${n}`) !== undefined; i++) await new Promise((r) => setTimeout(r, 20));
    sh('umount', mnt);
    sh('losetup', '-d', loop);
    sh('ip', 'link', 'delete', veth);
    sh('ip', 'netns', 'delete', netns);
    if (hasPids) fs.rmdirSync(cgroup);
    fs.rmSync(path.join(state, 'runs', 'abc123.json'));
    const after = formatDiff(diffSnapshots(before, await takeSnapshot({ stateDir: state })));
    const ours = after.filter((l) => l.includes(n.slice(0, 4)) || l.includes(dir) || l.includes('abc123'));
    expect(ours).toEqual([]);
  }, 30_000);
});
