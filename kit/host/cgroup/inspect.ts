// Looking at a process's cgroups from the host, independently of the code
// that put it there: for checks. Which directory holds its memory, cpu and
// pids files, and what they say.

import path from 'node:path';
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
export function hostCgroupsOf(pid: number, layout: CgroupLayout = detectLayout(), seen: ProcCgroups | undefined = procCgroups(pid)): HostCgroupView | undefined {
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
      ? [['memory', 'memory.max'], ['cpu', 'cpu.max'], ['pids', 'pids.max']]
      : [['memory', 'memory.limit_in_bytes'], ['cpu', 'cpu.cfs_quota_us'], ['cpu', 'cpu.cfs_period_us'], ['pids', 'pids.max']];
  return files.map(([c, f]) => `${f}=${view.dirs[c] ? (readOr(host, path.join(view.dirs[c], f)) ?? '?') : '?'}`).join(', ');
}
