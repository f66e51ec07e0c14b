// A bounded job pool: at most `jobs` tasks at once, in input order.

import os from 'node:os';

/** --jobs N, bounded by the machine's cores (each job runs containers and checks). */
export function boundJobs(requested: number | undefined, cores = os.availableParallelism()): number {
  const n = requested === undefined || !Number.isFinite(requested) ? cores : Math.floor(requested);
  return Math.max(1, Math.min(n, cores));
}

export async function runPool<T, R>(
  items: T[],
  jobs: number,
  work: (item: T, index: number) => Promise<R>,
  stop?: AbortSignal,
): Promise<(R | undefined)[]> {
  const out: (R | undefined)[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop?.aborted) {
      const i = next++;
      out[i] = await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return out;
}
