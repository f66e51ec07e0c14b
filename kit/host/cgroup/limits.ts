// Limits in the units people think in, translated to each version's files.
// v2 and v1 name the same knobs differently and sometimes measure them
// differently (cpu.weight 1..10000 vs cpu.shares 2..262144).

import { badLimit } from './errors.ts';
import type { CgroupLimits, LimitWrite } from './types.ts';

/** The CFS bandwidth period: the quota is refilled every 100 ms (the kernel's default). */
export const CPU_PERIOD_US = 100_000;
/** The kernel refuses quotas under 1 ms. */
const MIN_QUOTA_US = 1_000;

export function cpuQuota(fraction: number): { quotaUs: number; periodUs: number } {
  return { quotaUs: Math.max(MIN_QUOTA_US, Math.round(fraction * CPU_PERIOD_US)), periodUs: CPU_PERIOD_US };
}

/** cpu.weight (v2, default 100) to cpu.shares (v1, default 1024), as systemd converts it. */
export function weightToShares(weight: number): number {
  return Math.min(262_144, Math.max(2, Math.round((weight * 1024) / 100)));
}

export function validateLimits(l: CgroupLimits): void {
  const positiveInt = (v: number | undefined) => v === undefined || (Number.isSafeInteger(v) && v > 0);
  if (!positiveInt(l.memoryBytes)) throw badLimit('memoryBytes', l.memoryBytes, 'a whole number of bytes > 0');
  if (l.cpuFraction !== undefined && !(Number.isFinite(l.cpuFraction) && l.cpuFraction > 0 && l.cpuFraction <= 1024)) {
    throw badLimit('cpuFraction', l.cpuFraction, 'a number of CPUs > 0, like 0.5');
  }
  if (!positiveInt(l.pids)) throw badLimit('pids', l.pids, 'a whole number > 0');
  if (l.cpuWeight !== undefined && !(Number.isInteger(l.cpuWeight) && l.cpuWeight >= 1 && l.cpuWeight <= 10_000)) {
    throw badLimit('cpuWeight', l.cpuWeight, 'a whole number from 1 to 10000 (100 is the default)');
  }
  if (l.ioBps) {
    if (!/^\d+:\d+$/.test(l.ioBps.device)) throw badLimit('ioBps.device', l.ioBps.device, "'MAJOR:MINOR' of a block device, like '7:0'");
    const { read, write } = l.ioBps;
    if ((read === undefined && write === undefined) || !positiveInt(read) || !positiveInt(write))
      throw badLimit('ioBps', l.ioBps, 'read/write in whole bytes per second > 0');
  }
}

/** v2: one hierarchy, files named after the controller with v2's names. */
export function v2LimitWrites(l: CgroupLimits): LimitWrite[] {
  const w: LimitWrite[] = [];
  if (l.memoryBytes !== undefined) {
    w.push({ controller: 'memory', file: 'memory.max', value: String(l.memoryBytes) });
    // no escape into swap: past memory.max the process is OOM-killed, not swapped out
    w.push({ controller: 'memory', file: 'memory.swap.max', value: '0', optional: true });
  }
  if (l.cpuFraction !== undefined) {
    const { quotaUs, periodUs } = cpuQuota(l.cpuFraction);
    w.push({ controller: 'cpu', file: 'cpu.max', value: `${quotaUs} ${periodUs}` });
  }
  if (l.cpuWeight !== undefined) w.push({ controller: 'cpu', file: 'cpu.weight', value: String(l.cpuWeight) });
  if (l.pids !== undefined) w.push({ controller: 'pids', file: 'pids.max', value: String(l.pids) });
  if (l.ioBps) {
    const { device, read, write } = l.ioBps;
    w.push({ controller: 'io', file: 'io.max', value: `${device} rbps=${read ?? 'max'} wbps=${write ?? 'max'}` });
  }
  return w;
}

/** v1: one hierarchy per controller (or group of controllers), v1's names. */
export function v1LimitWrites(l: CgroupLimits): LimitWrite[] {
  const w: LimitWrite[] = [];
  if (l.memoryBytes !== undefined) {
    w.push({ controller: 'memory', file: 'memory.limit_in_bytes', value: String(l.memoryBytes) });
    // memory+swap limit, only with swap accounting; must come after (it may not be below limit_in_bytes)
    w.push({ controller: 'memory', file: 'memory.memsw.limit_in_bytes', value: String(l.memoryBytes), optional: true });
  }
  if (l.cpuFraction !== undefined) {
    const { quotaUs, periodUs } = cpuQuota(l.cpuFraction);
    w.push({ controller: 'cpu', file: 'cpu.cfs_period_us', value: String(periodUs) });
    w.push({ controller: 'cpu', file: 'cpu.cfs_quota_us', value: String(quotaUs) });
  }
  if (l.cpuWeight !== undefined) w.push({ controller: 'cpu', file: 'cpu.shares', value: String(weightToShares(l.cpuWeight)) });
  if (l.pids !== undefined) w.push({ controller: 'pids', file: 'pids.max', value: String(l.pids) });
  if (l.ioBps) {
    // v1 throttles only I/O it can attribute: direct and synchronous I/O, not
    // page-cache writeback (v2's io controller, with memory, does that too)
    const { device, read, write } = l.ioBps;
    if (read !== undefined) w.push({ controller: 'blkio', file: 'blkio.throttle.read_bps_device', value: `${device} ${read}` });
    if (write !== undefined) w.push({ controller: 'blkio', file: 'blkio.throttle.write_bps_device', value: `${device} ${write}` });
  }
  return w;
}
