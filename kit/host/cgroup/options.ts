// Step 4's command-line options: --memory 256M --cpus 0.5 --pids 64 (the
// defaults), plus the extras --cpu-weight N, --io-bps RATE and
// --pause-after S --pause-for S. Declared here, where they are read; step 4
// lists them in its `options`, and the CLI's help and validation come from it.

import os from 'node:os';
import { formatSize } from '../../core/size.ts';
import type { RunOptions, StepOptions } from '../../core/types.ts';
import { badOption } from './errors.ts';

const MiB = 2 ** 20;

export const CGROUP_OPTIONS = {
  memory: { type: 'size', default: 256 * MiB, help: 'memory limit' },
  cpus: { type: 'number', default: 0.5, placeholder: 'N', help: 'CPU quota in CPUs' },
  pids: { type: 'integer', default: 64, help: 'process limit' },
  cpuWeight: { type: 'integer', help: 'CPU weight under contention, 1..10000 (extra)' },
  ioBps: { type: 'size', placeholder: 'RATE', help: 'read/write limit per second on the /home loop device, e.g. 10M (extra)' },
  pauseAfter: { type: 'number', placeholder: 'S', help: 'freeze the container S seconds after it starts (extra)' },
  pauseFor: { type: 'number', default: 3, placeholder: 'S', help: '... for S seconds (extra, with --pause-after)' },
} as const satisfies StepOptions;

/** below this a shell and a few tools do not even start */
export const MIN_MEMORY_BYTES = 8 * MiB;
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

/** The limits of step 4's options (or their defaults), checked against what a container and this machine can take. */
export function cgroupOptions(o: RunOptions): CgroupOptions {
  const memoryBytes = o.memory ?? CGROUP_OPTIONS.memory.default;
  if (!Number.isSafeInteger(memoryBytes) || memoryBytes < MIN_MEMORY_BYTES)
    throw badOption('memory', formatSize(memoryBytes), `at least ${MIN_MEMORY_BYTES / MiB}M`);

  const cpuFraction = o.cpus ?? CGROUP_OPTIONS.cpus.default;
  const ncpu = os.availableParallelism();
  if (!Number.isFinite(cpuFraction) || cpuFraction < 0.01 || cpuFraction > ncpu) {
    throw badOption('cpus', cpuFraction, `a number of CPUs from 0.01 to ${ncpu} (this machine's), like 0.5`);
  }

  const pids = o.pids ?? CGROUP_OPTIONS.pids.default;
  if (!Number.isSafeInteger(pids) || pids < MIN_PIDS) throw badOption('pids', pids, `a whole number, at least ${MIN_PIDS}`);

  const out: CgroupOptions = { memoryBytes, cpuFraction, pids };
  if (o.cpuWeight !== undefined) {
    const w = o.cpuWeight;
    if (!Number.isInteger(w) || w < 1 || w > 10_000)
      throw badOption('cpu-weight', w, 'a whole number from 1 to 10000 (100 is the default)');
    out.cpuWeight = w;
  }
  if (o.ioBps !== undefined) {
    if (!Number.isSafeInteger(o.ioBps) || o.ioBps <= 0) throw badOption('io-bps', formatSize(o.ioBps), 'a size per second, like 10M');
    out.ioBps = o.ioBps;
  }
  return out;
}
