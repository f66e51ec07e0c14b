// Layout detection against fixture trees: statfs magics + mountinfo samples.

import { afterEach, describe, expect, it } from 'vitest';
import { detectLayout, parseMountinfo, v1Hierarchies } from '../../kit/host/cgroup/detect.ts';
import { KitError } from '../../kit/core/errors.ts';
import type { CgroupHost } from '../../kit/host/cgroup/host.ts';
import { makeFixture, type Fixture } from '../fixtures/cgroup/tree.ts';

let fx: Fixture | undefined;
afterEach(() => {
  fx?.dispose();
  fx = undefined;
});

describe('detectLayout', () => {
  it('sees a cgroup2 filesystem at the root as v2, with no v1 hierarchies', () => {
    fx = makeFixture('v2');
    expect(detectLayout(fx.host, fx.root)).toEqual({ kind: 'v2', root: fx.root, unified: fx.root, v1: {} });
  });

  it('sees a tmpfs with cgroup mounts and no unified as v1; cpu,cpuacct mounted together are one hierarchy', () => {
    fx = makeFixture('v1');
    const l = detectLayout(fx.host, fx.root);
    expect(l.kind).toBe('v1');
    expect(l.unified).toBeUndefined();
    expect(l.v1.cpu.mountPoint).toBe(`${fx.root}/cpu,cpuacct`);
    expect(l.v1.cpuacct).toBe(l.v1.cpu);
    expect(l.v1.cpu.controllers).toEqual(['cpu', 'cpuacct']);
    expect(l.v1.memory.mountPoint).toBe(`${fx.root}/memory`);
    expect(l.v1.net_prio.mountPoint).toBe(`${fx.root}/net_cls,net_prio`);
    // name=systemd has no controller
    expect(Object.values(l.v1).some((h) => h.mountPoint.endsWith('/systemd'))).toBe(false);
  });

  it("sees v1 mounts plus cgroup2 at unified as hybrid (this machine's layout)", () => {
    fx = makeFixture('hybrid');
    const l = detectLayout(fx.host, fx.root);
    expect(l.kind).toBe('hybrid');
    expect(l.unified).toBe(`${fx.root}/unified`);
    expect(l.v1.cpu.mountPoint).toBe(`${fx.root}/cpu`);
    expect(l.v1.cpuacct.mountPoint).toBe(`${fx.root}/cpuacct`);
    expect(Object.keys(l.v1).sort()).toEqual(['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids']);
  });

  it('explains when no cgroup filesystem is there', () => {
    const host = { statfsType: () => 0xef53, mountinfo: () => '' } as unknown as CgroupHost;
    const err = (() => {
      try {
        detectLayout(host, '/nowhere');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(KitError);
    expect((err as KitError).message).toMatch(/No cgroup filesystem found: \/nowhere is a filesystem of type 0xef53/);
    expect((err as KitError).page).toBe('/steps/04-cgroups#troubleshooting');
  });

  it('also calls a tmpfs with nothing mounted under it "not mounted"', () => {
    const host = { statfsType: (p: string) => (p === '/x' ? 0x01021994 : undefined), mountinfo: () => '' } as unknown as CgroupHost;
    expect(() => detectLayout(host, '/x')).toThrow(KitError);
  });
});

describe('mountinfo parsing', () => {
  it('reads root, mount point, type and super options, after optional fields', () => {
    const [m] = parseMountinfo('30 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:15 master:2 - cgroup cgroup rw,cpu,cpuacct\n');
    expect(m).toEqual({
      id: 30,
      parent: 25,
      majorMinor: '0:28',
      root: '/',
      mountPoint: '/sys/fs/cgroup/cpu,cpuacct',
      options: 'rw,nosuid',
      optional: ['shared:15', 'master:2'],
      fstype: 'cgroup',
      source: 'cgroup',
      superOptions: 'rw,cpu,cpuacct',
    });
  });

  it('decodes octal escapes in paths', () => {
    const [m] = parseMountinfo('1 2 0:1 /a\\040b /mnt/with\\040space rw - cgroup cgroup rw,memory');
    expect(m.root).toBe('/a b');
    expect(m.mountPoint).toBe('/mnt/with space');
  });

  it('keeps only hierarchies under the cgroup root, first mount of a controller wins', () => {
    const text = [
      '1 2 0:1 / /elsewhere/memory rw - cgroup cgroup rw,memory',
      '3 2 0:2 /lxc/c1 /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
      '4 2 0:2 / /sys/fs/cgroup/memory2 rw - cgroup cgroup rw,memory',
    ].join('\n');
    const h = v1Hierarchies(text);
    expect(h.memory).toEqual({ controllers: ['memory'], mountPoint: '/sys/fs/cgroup/memory', root: '/lxc/c1' });
  });
});
