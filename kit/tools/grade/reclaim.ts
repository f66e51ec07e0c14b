// After a grading child is gone: reclaim whatever its workspace's ledgers
// still list (a killed check could not tear down), exactly as `npm run clean`
// does for the kit's own state folder, but only for this workspace, so that
// other students' runs in parallel are never touched. Cgroups a step nested
// in its own are removed by the kit's cgroup reclaimer (host/cgroup/tree.ts).

import { adoptLedger, orphanLedgers } from '../../core/ledger.ts';
import { reclaimers } from '../../host/reclaim.ts';

/** Tear down every orphaned ledger under `runsDir`; returns the errors as text. */
export async function reclaimWorkspaceLedgers(runsDir: string): Promise<string[]> {
  const errors: string[] = [];
  for (const data of orphanLedgers(runsDir)) {
    const ledger = adoptLedger(runsDir, data);
    for (const e of await ledger.teardown(reclaimers)) errors.push(e.message);
  }
  return errors;
}
