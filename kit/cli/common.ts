// What every command that touches the kernel does first: Linux? root?
// tools? and reclaim what a killed run left behind.

import { adoptLedger, orphanLedgers } from '../ledger.ts';
import { runsDir } from '../paths.ts';
import { KIT_REQUIREMENTS, preflight } from '../preflight.ts';
import { reclaimers } from '../reclaim.ts';
import { say, warn } from './output.ts';
import { ensureLinux, ensureRoot } from './privileges.ts';

export async function ready(opts: { yes?: boolean }): Promise<void> {
  ensureLinux();
  ensureRoot();
  await preflight({ yes: opts.yes ?? false, quiet: true, requirements: KIT_REQUIREMENTS, log: say });
  await reclaimOrphans(false);
}

/** Tear down ledgers of runs whose process is gone. Returns how many entries were removed. */
export async function reclaimOrphans(verbose: boolean): Promise<number> {
  let removed = 0;
  for (const data of orphanLedgers(runsDir())) {
    const what = data.entries.map((e) => describeEntry(e)).join(', ');
    if (verbose || data.entries.length) say(`reclaiming run ${data.runId} (its process ${data.ownerPid} is gone): ${what || 'nothing left'}`);
    const ledger = adoptLedger(runsDir(), data);
    const errors = await ledger.teardown(reclaimers);
    removed += data.entries.length - ledger.entries().length;
    for (const e of errors) warn(`could not reclaim: ${e.message}`);
  }
  return removed;
}

export function describeEntry(e: { kind: string } & Record<string, unknown>): string {
  const { kind, id: _id, ...rest } = e;
  const main = Object.values(rest).filter((v) => typeof v === 'string' || typeof v === 'number')[0];
  return `${kind} ${String(main ?? '')}`.trim();
}
