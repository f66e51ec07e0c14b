// What every command that touches the kernel does first: Linux? root?
// tools? and reclaim what a killed run left behind.

import fs from 'node:fs';
import path from 'node:path';
import { adoptLedger, orphanLedgers, type LedgerFile } from '../../core/ledger.ts';
import { runsDir } from '../../core/paths.ts';
import { KIT_REQUIREMENTS, preflight, requirementsFor } from '../../host/preflight.ts';
import { processStartTime } from '../../host/proc.ts';
import { reclaimers } from '../../host/reclaim.ts';
import { say, warn } from './output.ts';
import { ensureLinux, ensureRoot } from './privileges.ts';

/** `step`: only what the container of steps 1..step needs (default: everything the kit uses). */
export async function ready(opts: { yes?: boolean; step?: number }): Promise<void> {
  ensureLinux();
  ensureRoot();
  const requirements = opts.step === undefined ? KIT_REQUIREMENTS : requirementsFor(opts.step);
  await preflight({ yes: opts.yes ?? false, quiet: true, requirements, log: say });
  await reclaimOrphans(false);
}

/** Tear down ledgers of runs whose process is gone. Returns how many entries were removed. */
export async function reclaimOrphans(verbose: boolean): Promise<number> {
  const dir = runsDir();
  tidyRunsDir(dir);
  const orphans = orphanLedgers(dir);
  if (orphans.length === 0) return 0;
  // Two kit commands started at once see the same orphans: each ledger is
  // moved (rename(2), atomic) into the claiming command's own folder first, so
  // exactly one of them reclaims it, and lists it.
  const mine = claimDir(dir, process.pid, processStartTime(process.pid) ?? '');
  fs.mkdirSync(mine, { recursive: true });
  let removed = 0;
  try {
    for (const listed of orphans) {
      const name = `${listed.runId}.json`;
      try {
        fs.renameSync(path.join(dir, name), path.join(mine, name));
      } catch {
        continue; // another command took it first
      }
      let data: LedgerFile;
      try {
        data = JSON.parse(fs.readFileSync(path.join(mine, name), 'utf8')) as LedgerFile;
      } catch (err) {
        warn(`could not read the ledger ${name}: ${(err as Error).message}`);
        continue;
      }
      const before = data.entries.length;
      const what = data.entries.map((e) => describeEntry(e)).join(', ');
      if (verbose || before) say(`reclaiming run ${data.runId} (its process ${data.ownerPid} is gone): ${what || 'nothing left'}`);
      const ledger = adoptLedger(mine, data);
      const errors = await ledger.teardown(reclaimers);
      removed += before - ledger.entries().length;
      for (const e of errors) warn(`could not reclaim: ${e.message}`);
    }
  } finally {
    releaseClaims(mine, dir);
  }
  return removed;
}

/** Where a command keeps the ledgers it is reclaiming: runs/.reclaiming-PID-START/. */
const claimDir = (dir: string, pid: number, start: string): string => path.join(dir, `.reclaiming-${pid}-${start}`);
const CLAIM_DIR = /^\.reclaiming-(\d+)-(\d*)$/;

/** Ledgers whose teardown failed go back to runs/ for the next try; then the folder goes. */
function releaseClaims(mine: string, dir: string): void {
  for (const name of safeReaddir(mine)) {
    if (name.endsWith('.json')) {
      try {
        fs.renameSync(path.join(mine, name), path.join(dir, name));
      } catch {
        // another command put it back already
      }
    }
  }
  fs.rmSync(mine, { recursive: true, force: true });
}

/** A temporary file of a ledger write this old is not being written any more. */
const STALE_MS = 10_000;

/**
 * Leftovers of commands killed while writing in the runs folder:
 * - the claim folder of a reclaiming command that was killed: its ledgers go back to runs/;
 * - NAME.json.tmp of a run killed halfway through a ledger write. The write
 *   was for a resource not created yet (record, then create) or for one
 *   already removed (forget), so it can go once its owner is dead.
 */
function tidyRunsDir(dir: string): void {
  for (const name of safeReaddir(dir)) {
    const full = path.join(dir, name);
    const claim = CLAIM_DIR.exec(name);
    if (claim) {
      if (processStartTime(Number(claim[1])) !== claim[2]) releaseClaims(full, dir);
      continue;
    }
    if (!name.endsWith('.json.tmp')) continue;
    // half written (killed inside writeFileSync): the ledger it was replacing names the owner
    const owner = readLedger(full) ?? readLedger(full.slice(0, -'.tmp'.length));
    const dead = owner ? processStartTime(owner.ownerPid) !== owner.ownerStartTime : ageMs(full) > STALE_MS;
    if (dead) fs.rmSync(full, { force: true });
  }
}

function readLedger(file: string): LedgerFile | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LedgerFile;
  } catch {
    return undefined;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

export function describeEntry(e: { kind: string } & Record<string, unknown>): string {
  const { kind, id: _id, ...rest } = e;
  const main = Object.values(rest).filter((v) => typeof v === 'string' || typeof v === 'number')[0];
  return `${kind} ${String(main ?? '')}`.trim();
}
