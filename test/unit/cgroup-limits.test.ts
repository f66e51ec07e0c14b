// Which file gets which value, per version: the heart of "the same step code on v1 and v2".

import { describe, expect, it } from 'vitest';
import { cpuQuota, v1LimitWrites, v2LimitWrites, validateLimits, weightToShares } from '../../kit/host/cgroup/limits.ts';
import { KitError } from '../../kit/core/errors.ts';

const all = {
  memoryBytes: 256 * 2 ** 20,
  cpuFraction: 0.5,
  pids: 64,
  cpuWeight: 200,
  ioBps: { device: '7:3', read: 1_000_000, write: 2_000_000 },
};

describe('limit files', () => {
  it('v2: memory.max (+ no swap), cpu.max "quota period", cpu.weight, pids.max, io.max', () => {
    expect(v2LimitWrites(all).map((w) => [w.file, w.value])).toEqual([
      ['memory.max', '268435456'],
      ['memory.swap.max', '0'],
      ['cpu.max', '50000 100000'],
      ['cpu.weight', '200'],
      ['pids.max', '64'],
      ['io.max', '7:3 rbps=1000000 wbps=2000000'],
    ]);
  });

  it('v1: limit_in_bytes then memsw, cfs period before quota, shares, pids.max, blkio throttle', () => {
    expect(v1LimitWrites(all).map((w) => [w.controller, w.file, w.value])).toEqual([
      ['memory', 'memory.limit_in_bytes', '268435456'],
      ['memory', 'memory.memsw.limit_in_bytes', '268435456'],
      ['cpu', 'cpu.cfs_period_us', '100000'],
      ['cpu', 'cpu.cfs_quota_us', '50000'],
      ['cpu', 'cpu.shares', '2048'],
      ['pids', 'pids.max', '64'],
      ['blkio', 'blkio.throttle.read_bps_device', '7:3 1000000'],
      ['blkio', 'blkio.throttle.write_bps_device', '7:3 2000000'],
    ]);
  });

  it('swap limits are optional (swap accounting may be off); the rest is not', () => {
    for (const w of [...v1LimitWrites(all), ...v2LimitWrites(all)]) {
      expect(Boolean(w.optional)).toBe(/swap|memsw/.test(w.file));
    }
  });

  it('writes only what was asked for', () => {
    expect(v2LimitWrites({ pids: 5 }).map((w) => w.file)).toEqual(['pids.max']);
    expect(v1LimitWrites({}).length).toBe(0);
    expect(v2LimitWrites({ ioBps: { device: '8:0', write: 5 } })[0].value).toBe('8:0 rbps=max wbps=5');
  });

  it('converts CPU fractions and weights', () => {
    expect(cpuQuota(1.5)).toEqual({ quotaUs: 150_000, periodUs: 100_000 });
    expect(cpuQuota(0.001).quotaUs).toBe(1000); // the kernel's minimum
    expect(weightToShares(100)).toBe(1024);
    expect(weightToShares(1)).toBe(10);
    expect(weightToShares(10_000)).toBe(102_400);
  });

  it.each([
    [{ memoryBytes: 0 }, /memoryBytes/],
    [{ memoryBytes: 1.5 }, /memoryBytes/],
    [{ cpuFraction: -1 }, /cpuFraction/],
    [{ cpuFraction: Number.NaN }, /cpuFraction/],
    [{ pids: 0 }, /pids/],
    [{ cpuWeight: 0 }, /cpuWeight/],
    [{ ioBps: { device: 'sda', read: 1 } }, /ioBps.device/],
    [{ ioBps: { device: '8:0' } }, /ioBps/],
  ])('refuses %j with a clear error', (limits, re) => {
    expect(() => validateLimits(limits)).toThrow(KitError);
    expect(() => validateLimits(limits)).toThrow(re);
  });
});
