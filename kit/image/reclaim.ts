// The ledger kinds this folder creates, and how to remove them. Loaded by the
// kit's reclaimer table on every start, so the loop code (and zx, ~100 ms)
// is only imported when there is a loop device to reclaim.

import type { Reclaimer, ResourceKind } from '../ledger.ts';

export const reclaimers: Partial<Record<ResourceKind, Reclaimer>> = {
  loop: async (entry) => (await import('./loop.ts')).reclaimLoop(entry),
};
