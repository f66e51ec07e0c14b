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
import { parseMountinfo, type MountinfoEntry } from '../mountinfo.ts';
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
  'cpu',
  'cpuacct',
  'cpuset',
  'memory',
  'devices',
  'freezer',
  'net_cls',
  'blkio',
  'perf_event',
  'net_prio',
  'hugetlb',
  'pids',
  'rdma',
  'misc',
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

// the parser is the kit's (kit/host/mountinfo.ts); re-exported for this folder's users
export { parseMountinfo, type MountinfoEntry };
