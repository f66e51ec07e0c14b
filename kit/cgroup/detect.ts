// Which cgroup layout does this machine have? Three kinds exist in the wild:
//   v2 (unified): /sys/fs/cgroup is itself a cgroup2 filesystem, one hierarchy
//       holding every controller (Debian 11+, Ubuntu 21.10+, Fedora 31+).
//   v1: /sys/fs/cgroup is a tmpfs with one cgroup (v1) filesystem per
//       hierarchy mounted under it (memory, cpu,cpuacct, pids, ...).
//   hybrid: v1 as above, plus an (empty of controllers) cgroup2 mount at
//       /sys/fs/cgroup/unified that systemd uses only to track processes.
// The filesystem magic numbers (statfs f_type) tell them apart; the v1
// hierarchies' mount points come from /proc/self/mountinfo, because
// distributions mount them differently ('cpu,cpuacct' together or apart).

import path from 'node:path';
import { cgroupNotMounted } from './errors.ts';
import { CGROUP2_SUPER_MAGIC, CGROUP_SUPER_MAGIC, TMPFS_MAGIC, realHost, type CgroupHost } from './host.ts';

export type CgroupLayoutKind = 'v2' | 'v1' | 'hybrid';

/** One mounted v1 hierarchy: its controllers and where it is mounted. */
export interface V1Hierarchy {
  controllers: string[];
  mountPoint: string;
  /** the hierarchy's directory shown at the mount point ('/' unless inside a container) */
  root: string;
}

export interface CgroupLayout {
  kind: CgroupLayoutKind;
  /** normally /sys/fs/cgroup */
  root: string;
  /** the cgroup2 mount: root itself on v2, root/unified on hybrid */
  unified?: string;
  /** v1 and hybrid: the hierarchy each controller is attached to */
  v1: Record<string, V1Hierarchy>;
}

/** Controller names the kernel knows for v1 hierarchies (the rest of the super options are flags). */
const V1_CONTROLLERS = new Set([
  'cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'net_cls', 'blkio',
  'perf_event', 'net_prio', 'hugetlb', 'pids', 'rdma', 'misc',
]);

export const DEFAULT_CGROUP_ROOT = '/sys/fs/cgroup';

export function detectLayout(host: CgroupHost = realHost, root = DEFAULT_CGROUP_ROOT): CgroupLayout {
  const type = host.statfsType(root);
  if (type === CGROUP2_SUPER_MAGIC) return { kind: 'v2', root, unified: root, v1: {} };
  if (type !== TMPFS_MAGIC && type !== CGROUP_SUPER_MAGIC) throw cgroupNotMounted(root, type);
  const v1 = v1Hierarchies(host.mountinfo(), root);
  const unifiedPath = path.join(root, 'unified');
  const hybrid = host.statfsType(unifiedPath) === CGROUP2_SUPER_MAGIC;
  if (!hybrid && Object.keys(v1).length === 0) throw cgroupNotMounted(root, type);
  return hybrid ? { kind: 'hybrid', root, unified: unifiedPath, v1 } : { kind: 'v1', root, v1 };
}

/** The v1 hierarchies mounted under `root`, by controller (first mount wins). */
export function v1Hierarchies(mountinfo: string, root = DEFAULT_CGROUP_ROOT): Record<string, V1Hierarchy> {
  const byController: Record<string, V1Hierarchy> = {};
  for (const m of parseMountinfo(mountinfo)) {
    if (m.fstype !== 'cgroup') continue;
    if (m.mountPoint !== root && !m.mountPoint.startsWith(`${root}/`)) continue;
    const controllers = m.superOptions.split(',').filter((o) => V1_CONTROLLERS.has(o));
    if (controllers.length === 0) continue; // e.g. name=systemd: no controller
    const h: V1Hierarchy = { controllers, mountPoint: m.mountPoint, root: m.root };
    for (const c of controllers) byController[c] ??= h;
  }
  return byController;
}

export interface MountinfoEntry {
  root: string;
  mountPoint: string;
  fstype: string;
  source: string;
  superOptions: string;
}

/** proc(5) mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS" */
export function parseMountinfo(text: string): MountinfoEntry[] {
  const out: MountinfoEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const dash = f.indexOf('-', 6);
    if (dash < 0 || f.length < dash + 4) continue;
    out.push({
      root: unescapeOctal(f[3]),
      mountPoint: unescapeOctal(f[4]),
      fstype: f[dash + 1],
      source: unescapeOctal(f[dash + 2]),
      superOptions: f[dash + 3],
    });
  }
  return out;
}

/** mountinfo writes space, tab, newline and backslash as \040, \011, \012, \134 */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}
