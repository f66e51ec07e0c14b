// Looking at a process's cgroups from the host, independently of the code
// that put it there: for checks, which directory holds its memory, cpu and
// pids files, and what they say; for the bench, the limits a process (our
// container's, an LXC container's, the host's sysbench) runs under while it
// runs: a CPU quota explains a slower CPU benchmark, a memory limit a smaller
// page cache. /proc/PID/cgroup names the cgroup in each hierarchy,
// /proc/self/mountinfo says where each is mounted (v1, v2 and hybrid).

import fs from 'node:fs';
import path from 'node:path';
import { parseMountinfo } from '../mountinfo.ts';
import { detectLayout, type CgroupLayout } from './detect.ts';
import { procCgroups, type ProcCgroups } from './membership.ts';
import { realHost, type CgroupHost } from './host.ts';

export interface HostCgroupView {
  driver: 'v1' | 'v2';
  /** controller -> cgroup path as /proc/PID/cgroup shows it */
  paths: Record<string, string>;
  /** controller -> directory on the host */
  dirs: Record<string, string>;
}

const CONTROLLERS = ['memory', 'cpu', 'cpuacct', 'pids'];

/** Where the process is, per controller; undefined when it is gone. */
export function hostCgroupsOf(
  pid: number,
  layout: CgroupLayout = detectLayout(),
  seen: ProcCgroups | undefined = procCgroups(pid),
): HostCgroupView | undefined {
  if (!seen) return undefined;
  const view: HostCgroupView = { driver: layout.kind === 'v2' ? 'v2' : 'v1', paths: {}, dirs: {} };
  for (const c of CONTROLLERS) {
    if (layout.kind === 'v2') {
      if (seen.unified === undefined) continue;
      view.paths[c] = seen.unified;
      view.dirs[c] = path.join(layout.root, seen.unified);
    } else {
      const h = layout.v1[c];
      const p = seen.v1[c];
      if (!h || p === undefined) continue;
      view.paths[c] = p;
      // /proc/PID/cgroup paths are from the hierarchy's root; the mount may show a subtree of it
      view.dirs[c] = path.join(h.mountPoint, path.relative(h.root, p));
    }
  }
  return view;
}

function readOr(host: CgroupHost, file: string): string | undefined {
  try {
    return host.read(file).trim();
  } catch {
    return undefined;
  }
}

/** OOM kills counted in the process's memory cgroup. */
export function oomKillsIn(view: HostCgroupView, host: CgroupHost = realHost): number | undefined {
  const dir = view.dirs.memory;
  if (!dir) return undefined;
  const text = readOr(host, path.join(dir, view.driver === 'v2' ? 'memory.events' : 'memory.oom_control'));
  const m = text === undefined ? null : /^oom_kill (\d+)$/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The limit files as they stand, for "seen" messages: 'memory.max=max cpu.max=50000 100000 ...' */
export function limitsIn(view: HostCgroupView, host: CgroupHost = realHost): string {
  const files: [string, string][] =
    view.driver === 'v2'
      ? [
          ['memory', 'memory.max'],
          ['cpu', 'cpu.max'],
          ['pids', 'pids.max'],
        ]
      : [
          ['memory', 'memory.limit_in_bytes'],
          ['cpu', 'cpu.cfs_quota_us'],
          ['cpu', 'cpu.cfs_period_us'],
          ['pids', 'pids.max'],
        ];
  return files.map(([c, f]) => `${f}=${view.dirs[c] ? (readOr(host, path.join(view.dirs[c], f)) ?? '?') : '?'}`).join(', ');
}

/** The limits a process runs under, as read from the host (the bench's results keep these names). */
export interface SeenCgroupLimits {
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
    else if (fstype === 'cgroup')
      out.push({ mountPoint, version: 1, controllers: superOptions.split(',').filter((o) => !['rw', 'ro'].includes(o)) });
  }
  return out;
}

/** v1 "-1" / v2 "max" mean no limit; memory v1 says "no limit" with a huge number. */
const UNLIMITED_MEMORY = 2 ** 60;

function readTrimmed(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Pure part: the limits from a reader of cgroup files (testable against fixtures). */
export function limitsFrom(
  procCgroup: string,
  mounts: CgroupMount[],
  readFile: (file: string) => string | undefined = readTrimmed,
): SeenCgroupLimits {
  const limits: SeenCgroupLimits = {};
  for (const line of procCgroup.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, , ctrl, cgPath] = m;
    const controllers = ctrl.split(',').filter(Boolean);
    const mount =
      controllers.length === 0
        ? mounts.find((x) => x.version === 2)
        : mounts.find((x) => x.version === 1 && controllers.every((c) => x.controllers.includes(c)));
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
export function cgroupLimitsOf(pid: number): SeenCgroupLimits | undefined {
  const procCgroup = readTrimmed(`/proc/${pid}/cgroup`);
  const mountinfo = readTrimmed('/proc/self/mountinfo');
  if (procCgroup === undefined || mountinfo === undefined) return undefined;
  return limitsFrom(procCgroup, cgroupMounts(mountinfo));
}
