// The kit's cgroup driver (step 4): v2, v1 and hybrid machines, one interface.
export { createCgroup, type CreateOptions } from './driver.ts';
export {
  detectLayout,
  parseMountinfo,
  v1Hierarchies,
  DEFAULT_CGROUP_ROOT,
  type CgroupLayout,
  type CgroupLayoutKind,
  type V1Hierarchy,
} from './detect.ts';
export { CGROUP2_SUPER_MAGIC, CGROUP_SUPER_MAGIC, TMPFS_MAGIC, realHost, type CgroupHost } from './host.ts';
export { cpuQuota, weightToShares, v1LimitWrites, v2LimitWrites, CPU_PERIOD_US } from './limits.ts';
export { missingMemberships, parseProcCgroup, procCgroups, type ProcCgroups } from './membership.ts';
export {
  hostCgroupsOf,
  oomKillsIn,
  limitsIn,
  cgroupLimitsOf,
  cgroupMounts,
  limitsFrom,
  type HostCgroupView,
  type SeenCgroupLimits,
  type CgroupMount,
} from './inspect.ts';
export { cgroupOptions, CGROUP_OPTIONS, type CgroupOptions } from './options.ts';
export { formatUsage, reportUsage } from './report.ts';
export { cancelPause, forbidSwap, limitHomeIo, majorMinor, pauseLater, type RunCgroup } from './extras.ts';
export { cgroupHierarchies, type CgroupController, type CgroupHierarchies } from './hierarchies.ts';
export { reclaimers, reclaimedByLedger } from './reclaim.ts';
export { KIT_PARENT } from './tree.ts';
export { CGROUP_PAGE } from './errors.ts';
export type { Cgroup, CgroupLimits, CgroupUsage, IoLimit } from './types.ts';
