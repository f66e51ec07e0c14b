import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cgroupMounts, limitsFrom } from '../../kit/host/cgroup/inspect.ts';
import { findDescendant, mountFor, parseMountinfo, probeProcess, splitDev, watchFor } from '../../kit/tools/bench/probe.ts';
import { bar as progressBar, renderBar } from '../../kit/tools/ux/progress.ts';
import { inDirectory } from '../../kit/tools/bench/environment.ts';

const MOUNTINFO = [
  '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
  '23 22 0:21 / /proc rw,nosuid - proc proc rw',
  '40 22 7:3 / /home rw,relatime - ext4 /dev/loop3 rw',
  '41 22 254:0 /usr /usr ro,relatime - ext4 /dev/vda ro',
  '42 22 0:45 / /mnt/with\\040space rw - tmpfs tmpfs rw',
].join('\n');

describe('parseMountinfo and mountFor', () => {
  it('reads device, mount point, type and source; unescapes octal', () => {
    const m = parseMountinfo(MOUNTINFO);
    const { majorMinor, mountPoint, fstype, source } = m[2];
    expect({ majorMinor, mountPoint, fstype, source }).toEqual({
      majorMinor: '7:3',
      mountPoint: '/home',
      fstype: 'ext4',
      source: '/dev/loop3',
    });
    expect(m[4].mountPoint).toBe('/mnt/with space');
  });

  it('finds the mount of a working directory, preferring the deepest of one device', () => {
    const m = parseMountinfo(MOUNTINFO);
    expect(mountFor(m, '7:3', '/home/bench')?.mountPoint).toBe('/home');
    expect(mountFor(m, '254:0', '/usr/share')?.mountPoint).toBe('/usr');
    expect(mountFor(m, '254:0', '/root/x')?.mountPoint).toBe('/');
    expect(mountFor(m, '9:9', '/x')).toBeUndefined();
  });
});

describe('cgroup limits', () => {
  const HYBRID = [
    '30 25 0:26 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate',
    '31 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct',
    '32 25 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
    '33 25 0:29 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids',
  ].join('\n');
  const files: Record<string, string> = {
    '/sys/fs/cgroup/cpu,cpuacct/cw-1/cpu.cfs_quota_us': '50000',
    '/sys/fs/cgroup/cpu,cpuacct/cw-1/cpu.cfs_period_us': '100000',
    '/sys/fs/cgroup/memory/cw-1/memory.limit_in_bytes': '268435456',
    '/sys/fs/cgroup/pids/cw-1/pids.max': '64',
    '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712',
    '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '-1',
    '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000',
    '/sys/fs/cgroup/pids/pids.max': 'max',
    '/v2/cw-2/cpu.max': '25000 100000',
    '/v2/cw-2/memory.max': '134217728',
    '/v2/cw-2/pids.max': 'max',
  };
  const reader = (f: string) => files[f];

  it('reads v1 quota, memory and pids limits on a hybrid machine', () => {
    const mounts = cgroupMounts(HYBRID);
    expect(mounts.map((m) => m.version)).toEqual([2, 1, 1, 1]);
    expect(mounts[1].controllers).toEqual(['cpu', 'cpuacct']);
    const cg = '4:pids:/cw-1\n3:memory:/cw-1\n2:cpu,cpuacct:/cw-1\n0::/\n';
    expect(limitsFrom(cg, mounts, reader)).toEqual({ cpus: 0.5, memoryBytes: 268435456, pidsMax: 64 });
  });

  it('treats -1, max and the huge v1 memory number as no limit', () => {
    expect(limitsFrom('3:memory:/\n2:cpu,cpuacct:/\n4:pids:/\n', cgroupMounts(HYBRID), reader)).toEqual({});
  });

  it('reads cpu.max and memory.max on v2', () => {
    const mounts = cgroupMounts('30 25 0:26 / /v2 rw - cgroup2 cgroup2 rw');
    expect(limitsFrom('0::/cw-2\n', mounts, reader)).toEqual({ cpus: 0.25, memoryBytes: 134217728 });
  });
});

describe('splitDev', () => {
  it('decodes glibc dev_t', () => {
    expect(splitDev(0x0703)).toEqual({ major: 7, minor: 3 });
    expect(splitDev(0xfe00)).toEqual({ major: 254, minor: 0 });
    // minor above 255: bits 12-31 hold the rest
    expect(splitDev((259 << 8) | (0x12 << 0) | (0x345 << 20))).toEqual({ major: 259, minor: 0x34512 });
  });
});

describe('probing a process from the host', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.pid && c.exitCode === null) process.kill(c.pid, 'SIGKILL');
  });

  it('reads namespaces, cgroup and the filesystem of the working directory', () => {
    const p = probeProcess(process.pid, process.cwd());
    expect(p?.ns.pid).toMatch(/^pid:\[\d+\]$/);
    expect(p?.ns.mnt).toMatch(/^mnt:\[\d+\]$/);
    expect(p?.cgroup).toMatch(/^\d+:/m);
    expect(p?.cwd?.dev).toMatch(/^\d+:\d+$/);
    expect(p?.cwd?.mountPoint).toBeDefined();
    expect(probeProcess(2 ** 22 + 7)).toBeUndefined();
  });

  it('finds a command under a shell (the shell runs it as a child)', async () => {
    const sh = spawn('/bin/sh', ['-c', 'sleep 5; true'], { stdio: 'ignore' });
    children.push(sh);
    const w = watchFor(sh.pid as number, 'sleep');
    const found = await Promise.race([w.result, new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000))]);
    w.stop();
    expect(found?.comm).toBe('sleep');
    expect(found?.pid).not.toBe(sh.pid);
    expect(findDescendant(sh.pid as number, 'sleep')).toBe(found?.pid);
  });

  it('resolves undefined when stopped before finding anything', async () => {
    const w = watchFor(process.pid, 'no-such-command');
    w.stop();
    expect(await w.result).toBeUndefined();
  });

  it('runs argv in a directory through sh without building a shell string', async () => {
    const argv = inDirectory('/tmp', ['sh', '-c', 'pwd; echo "$1"', 'x', 'a b; $(no)']);
    const out = await new Promise<string>((resolve) => {
      const c = spawn(argv[0], argv.slice(1));
      children.push(c);
      let s = '';
      c.stdout.on('data', (d: Buffer) => (s += d.toString()));
      c.on('close', () => resolve(s));
    });
    expect(out).toBe('/tmp\na b; $(no)\n');
  });
});

describe('progress bar', () => {
  it('draws a proportional bar', () => {
    expect(renderBar(0, 10, 10)).toBe('░'.repeat(10));
    expect(renderBar(5, 10, 10)).toBe('█'.repeat(5) + '░'.repeat(5));
    expect(renderBar(3, 0, 4)).toBe('████');
  });

  it('prints plain lines without escape codes when not a TTY', () => {
    const out: string[] = [];
    // as the bench uses the kit's one progress display
    const bar = progressBar('', 20, { stream: { isTTY: false, write: (s) => (out.push(s), true) }, env: {}, prefix: 'cw bench' });
    for (let i = 0; i <= 20; i++) bar.update(i, `run ${i}`);
    bar.done('finished');
    const text = out.join('');
    expect(text).not.toMatch(/\x1b/);
    expect(out.length).toBeLessThanOrEqual(13);
    expect(text).toMatch(/cw bench 20\/20 run 20/);
    expect(text).toMatch(/finished/);
  });

  it('redraws one line on a TTY, in color unless NO_COLOR is set', () => {
    const colored: string[] = [];
    progressBar('', 2, { stream: { isTTY: true, columns: 100, write: (s) => (colored.push(s), true) }, env: { TERM: 'xterm' } }).update(
      1,
      'x',
    );
    expect(colored[0]).toMatch(/^\r\x1b\[2K/);
    expect(colored[0]).toMatch(/\x1b\[3\dm/);
    const plain: string[] = [];
    progressBar('', 2, {
      stream: { isTTY: true, columns: 100, write: (s) => (plain.push(s), true) },
      env: { TERM: 'xterm', NO_COLOR: '1' },
    }).update(1, 'x');
    // the kit's one display redraws with NO_COLOR through '\r' and spaces: no escape code at all
    expect(plain[0]).toMatch(/^\r/);
    expect(plain[0]).not.toMatch(/\x1b/);
  });
});
