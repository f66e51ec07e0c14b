// Reclaiming cgroups a run recorded in its ledger: used by `npm run clean`
// after a killed run. Idempotent: the cgroup may be half made, still full of
// processes, or already gone.

import type { Reclaimer, ResourceKind } from '../ledger.ts';
import { realHost, type CgroupHost } from './host.ts';
import { destroyTree } from './tree.ts';

export function reclaimersFor(host: CgroupHost): Partial<Record<ResourceKind, Reclaimer>> {
  return {
    cgroup: async (e) => {
      if (e.kind === 'cgroup') await destroyTree(host, e.paths);
    },
  };
}

export const reclaimers = reclaimersFor(realHost);
