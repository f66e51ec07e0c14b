// The "account for resource usage" part: one line a person can read.

import { formatSize } from '../../core/size.ts';
import type { RunContext } from '../../core/types.ts';
import type { CgroupUsage } from './types.ts';

export function formatUsage(u: CgroupUsage): string {
  const cpu = `CPU time ${(u.cpuUsec / 1e6).toFixed(2)} s`;
  const mem = u.memoryPeakBytes === undefined ? 'peak memory not tracked by this kernel' : `peak memory ${formatSize(u.memoryPeakBytes)}`;
  const oom = `${u.oomKills} OOM kill${u.oomKills === 1 ? '' : 's'}`;
  return `${cpu}, ${mem}, ${oom}`;
}

/**
 * Print the usage line on stderr (stdout is the container's), unless --quiet,
 * or the container never started (its failure is the news, not "0 bytes"),
 * or there is none (step 4's teardown did not read it).
 */
export function reportUsage(ctx: RunContext, u: CgroupUsage | undefined): void {
  if (u === undefined || ctx.options.quiet === true || ctx.started === false) return;
  process.stderr.write(`cw the container used: ${formatUsage(u)}\n`);
}
