// The cgroup limits a process runs under, read from the host while it runs:
// a CPU quota explains a slower CPU benchmark, a memory limit a smaller page
// cache. Works on v1, v2 and hybrid hierarchies: /proc/PID/cgroup names the
// cgroup in each hierarchy, /proc/self/mountinfo says where each is mounted.

import fs from 'node:fs';
import path from 'node:path';
import { parseMountinfo } from '../../host/mountinfo.ts';

export interface CgroupLimits {
  /** CPU quota in CPUs (0.5 = half a CPU); absent when unlimited */
  cpus?: number;
  /** memory limit in bytes; absent when unlimited */
  memoryBytes?: number;
  /** pids.max; absent when unlimited */
  pidsMax?: number;
}

export interface CgroupMount {
  mountPoint: string;
  /** 'cgroup2', or the v1 controllers of this hierarchy */
  version: 1 | 2;
  controllers: string[];
}

export function cgroupMounts(mountinfo: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const { mountPoint, fstype, superOptions } of parseMountinfo(mountinfo)) {
    if (fstype === 'cgroup2') out.push({ mountPoint, version: 2, controllers: [] });
    else if (fstype === 'cgroup') out.push({ mountPoint, version: 1, controllers: superOptions.split(',').filter((o) => !['rw', 'ro'].includes(o)) });
  }
  return out;
}

/** v1 "-1" / v2 "max" mean no limit; memory v1 says "no limit" with a huge number. */
const UNLIMITED_MEMORY = 2 ** 60;

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Pure part: the limits from a reader of cgroup files (testable against fixtures). */
export function limitsFrom(procCgroup: string, mounts: CgroupMount[], readFile: (file: string) => string | undefined = read): CgroupLimits {
  const limits: CgroupLimits = {};
  for (const line of procCgroup.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, , ctrl, cgPath] = m;
    const controllers = ctrl.split(',').filter(Boolean);
    const mount = controllers.length === 0 ? mounts.find((x) => x.version === 2) : mounts.find((x) => x.version === 1 && controllers.every((c) => x.controllers.includes(c)));
    if (!mount) continue;
    const dir = path.join(mount.mountPoint, cgPath);
    if (mount.version === 2) {
      const cpuMax = readFile(path.join(dir, 'cpu.max'))?.split(' ');
      if (cpuMax && cpuMax[0] !== 'max' && limits.cpus === undefined) limits.cpus = Number(cpuMax[0]) / Number(cpuMax[1] ?? 100000);
      const mem = readFile(path.join(dir, 'memory.max'));
      if (mem && mem !== 'max' && limits.memoryBytes === undefined) limits.memoryBytes = Number(mem);
      const pids = readFile(path.join(dir, 'pids.max'));
      if (pids && pids !== 'max' && limits.pidsMax === undefined) limits.pidsMax = Number(pids);
      continue;
    }
    if (controllers.includes('cpu')) {
      const quota = Number(readFile(path.join(dir, 'cpu.cfs_quota_us')));
      const period = Number(readFile(path.join(dir, 'cpu.cfs_period_us')));
      if (quota > 0 && period > 0) limits.cpus = quota / period;
    }
    if (controllers.includes('memory')) {
      const mem = Number(readFile(path.join(dir, 'memory.limit_in_bytes')));
      if (mem > 0 && mem < UNLIMITED_MEMORY) limits.memoryBytes = mem;
    }
    if (controllers.includes('pids')) {
      const pids = readFile(path.join(dir, 'pids.max'));
      if (pids && pids !== 'max') limits.pidsMax = Number(pids);
    }
  }
  return limits;
}

/** The limits of a live process (undefined if it is gone). */
export function processLimits(pid: number): CgroupLimits | undefined {
  const procCgroup = read(`/proc/${pid}/cgroup`);
  const mountinfo = read('/proc/self/mountinfo');
  if (procCgroup === undefined || mountinfo === undefined) return undefined;
  return limitsFrom(procCgroup, cgroupMounts(mountinfo));
}
