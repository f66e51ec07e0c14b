// After a grading child is gone: reclaim whatever its workspace's ledgers
// still list (a killed check could not tear down), exactly as `npm run clean`
// does for the kit's own state folder, but only for this workspace, so that
// other students' runs in parallel are never touched.

import fs from 'node:fs';
import path from 'node:path';
import { adoptLedger, orphanLedgers, type Reclaimer } from '../../core/ledger.ts';
import { reclaimers } from '../../host/reclaim.ts';

/** Fallback for cgroups when the kit's cgroup module cannot reclaim: kill members, rmdir. */
const removeCgroupPaths: Reclaimer = async (e) => {
  if (e.kind !== 'cgroup') return;
  for (const p of [...e.paths].reverse()) {
    if (!fs.existsSync(p)) continue;
    // children first (a step may have nested its cgroups)
    const dirs = [p, ...walkDirs(p)].reverse();
    for (const d of dirs) {
      for (let i = 0; i < 50; i++) {
        const pids = readProcs(d);
        for (const pid of pids) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // exited
          }
        }
        try {
          fs.rmdirSync(d);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') break;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }
  }
};

function walkDirs(dir: string): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    const p = path.join(dir, d.name);
    out.push(p, ...walkDirs(p));
  }
  return out;
}

function readProcs(dir: string): number[] {
  try {
    return fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const withFallback: typeof reclaimers = {
  ...reclaimers,
  cgroup: async (e) => {
    try {
      if (!reclaimers.cgroup) throw new Error('no cgroup reclaimer');
      await reclaimers.cgroup(e);
    } catch {
      await removeCgroupPaths(e);
    }
  },
};

/** Tear down every orphaned ledger under `runsDir`; returns the errors as text. */
export async function reclaimWorkspaceLedgers(runsDir: string): Promise<string[]> {
  const errors: string[] = [];
  for (const data of orphanLedgers(runsDir)) {
    const ledger = adoptLedger(runsDir, data);
    for (const e of await ledger.teardown(withFallback)) errors.push(e.message);
  }
  return errors;
}
