// Step 4's command-line options: --memory 256M --cpus 0.5 --pids 64 (the
// defaults), plus the extras --cpu-weight N and --io-bps RATE.

import os from 'node:os';
import { parseSize } from '../../core/size.ts';
import type { RunOptions } from '../../core/types.ts';
import { badOption } from './errors.ts';

export const CGROUP_DEFAULTS = { memory: '256M', cpus: '0.5', pids: '64' } as const;
/** below this a shell and a few tools do not even start */
export const MIN_MEMORY_BYTES = 8 * 2 ** 20;
/** the container's first process, a shell and a command */
export const MIN_PIDS = 3;

export interface CgroupOptions {
  memoryBytes: number;
  cpuFraction: number;
  pids: number;
  /** --cpu-weight (1..10000, default 100): only under contention */
  cpuWeight?: number;
  /** --io-bps (bytes/s, read and write) on the container's /home device */
  ioBps?: number;
}

/** An option as `--cpu-weight` or `cpuWeight`, whichever way it was spelt. */
function option(o: RunOptions, kebab: string): unknown {
  return o[kebab] ?? o[kebab.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())];
}

export function cgroupOptions(o: RunOptions): CgroupOptions {
  const memText = option(o, 'memory') ?? CGROUP_DEFAULTS.memory;
  const memoryBytes = parseSize(memText as string | number, 'memory', '/steps/04-cgroups#options');
  if (memoryBytes < MIN_MEMORY_BYTES) throw badOption('memory', memText, `at least ${MIN_MEMORY_BYTES / 2 ** 20}M`);

  const cpuText = option(o, 'cpus') ?? CGROUP_DEFAULTS.cpus;
  const cpuFraction = Number(cpuText);
  const ncpu = os.availableParallelism();
  if (!Number.isFinite(cpuFraction) || cpuFraction < 0.01 || cpuFraction > ncpu) {
    throw badOption('cpus', cpuText, `a number of CPUs from 0.01 to ${ncpu} (this machine's), like 0.5`);
  }

  const pidsText = option(o, 'pids') ?? CGROUP_DEFAULTS.pids;
  const pids = Number(pidsText);
  if (!Number.isSafeInteger(pids) || pids < MIN_PIDS) throw badOption('pids', pidsText, `a whole number, at least ${MIN_PIDS}`);

  const out: CgroupOptions = { memoryBytes, cpuFraction, pids };
  const weightText = option(o, 'cpu-weight');
  if (weightText !== undefined) {
    const w = Number(weightText);
    if (!Number.isInteger(w) || w < 1 || w > 10_000) throw badOption('cpu-weight', weightText, 'a whole number from 1 to 10000 (100 is the default)');
    out.cpuWeight = w;
  }
  const ioText = option(o, 'io-bps');
  if (ioText !== undefined) out.ioBps = parseSize(ioText as string | number, 'io-bps', '/steps/04-cgroups#options');
  return out;
}
