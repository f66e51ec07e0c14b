// Reclaiming cgroups a run recorded in its ledger: used by `npm run clean`
// after a killed run, and by every run's teardown for what its steps left.
// Idempotent: the cgroup may be half made, still full of processes, or gone.

import type { Reclaimer, ResourceKind } from '../../core/ledger.ts';
import { realHost, type CgroupHost } from './host.ts';
import { destroyTree } from './tree.ts';

/** Directories this process's ledger reclaimers found still there and removed (a step forgot to). */
const reclaimed = new Set<string>();

export function reclaimersFor(host: CgroupHost): Partial<Record<ResourceKind, Reclaimer>> {
  return {
    cgroup: async (e) => {
      if (e.kind !== 'cgroup') return;
      const present = e.paths.filter((p) => host.exists(p));
      await destroyTree(host, e.paths);
      for (const p of present) reclaimed.add(p);
    },
  };
}

export const reclaimers = reclaimersFor(realHost);

/** Which of `paths` the ledger had to remove because nobody else did (for the step-4 check). */
export function reclaimedByLedger(paths: readonly string[]): string[] {
  return paths.filter((p) => reclaimed.has(p));
}
