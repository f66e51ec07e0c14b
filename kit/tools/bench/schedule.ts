// The order of runs. Repetitions are interleaved across environments (host,
// container, lxc, host, container, lxc, ...) so that anything drifting over
// time (CPU frequency, a neighbour on the hypervisor, the page cache filling)
// affects every environment alike instead of whichever ran last.

export interface ScheduledRun<E extends string = string> {
  variant: string;
  env: E;
  /** 0 for the warm-up, 1..reps for the measured runs */
  rep: number;
  warmup: boolean;
}

/**
 * For each variant: a warm-up per environment (the first environment's
 * warm-up also calibrates the amount of work), then `reps` rounds of one run
 * per environment.
 */
export function interleave<E extends string>(
  variantIds: readonly string[],
  envs: readonly E[],
  reps: number | ((variant: string) => number),
): ScheduledRun<E>[] {
  const out: ScheduledRun<E>[] = [];
  for (const variant of variantIds) {
    for (const env of envs) out.push({ variant, env, rep: 0, warmup: true });
    const n = typeof reps === 'number' ? reps : reps(variant);
    for (let rep = 1; rep <= n; rep++) {
      for (const env of envs) out.push({ variant, env, rep, warmup: false });
    }
  }
  return out;
}
