// The "account for resource usage" part: one line a person can read.

import { formatSize } from '../image/size.ts';
import type { CgroupUsage } from './types.ts';

export function formatUsage(u: CgroupUsage): string {
  const cpu = `CPU time ${(u.cpuUsec / 1e6).toFixed(2)} s`;
  const mem = u.memoryPeakBytes === undefined ? 'peak memory not tracked by this kernel' : `peak memory ${formatSize(u.memoryPeakBytes)}`;
  const oom = `${u.oomKills} OOM kill${u.oomKills === 1 ? '' : 's'}`;
  return `${cpu}, ${mem}, ${oom}`;
}
