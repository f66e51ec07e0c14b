// Race-safe subnet allocation between concurrent runs: a run owns a subnet
// while it holds <state>/net/leases/<network>_<prefix>.lock, created with
// O_EXCL (open 'wx'), which the kernel guarantees only one creator wins.
// The lock is a ledger 'path' entry, so a killed run's lease is reclaimed by
// `npm run clean` like any other leftover.

import fs from 'node:fs';
import path from 'node:path';
import type { Ledger } from '../../core/ledger.ts';
import { processStartTime } from '../proc.ts';
import { formatIp, type Cidr } from './ipv4.ts';

export const leasesDir = (stateDir: string): string => path.join(stateDir, 'net', 'leases');

export const leasePath = (dir: string, subnet: Cidr): string => path.join(dir, `${formatIp(subnet.network)}_${subnet.prefix}.lock`);

export interface LeaseOwner {
  runId: string;
  pid: number;
  startTime?: string;
}

/**
 * A claim function for pickSubnet: records the lock path in the ledger, then
 * tries to create it. When another run holds it, the entry is forgotten again
 * (it is not ours to reclaim).
 */
export function leaseClaimer(ledger: Ledger, dir: string): (subnet: Cidr) => boolean {
  fs.mkdirSync(dir, { recursive: true });
  return (subnet) => {
    const file = leasePath(dir, subnet);
    const id = ledger.record({ kind: 'path', path: file });
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx');
    } catch (err) {
      ledger.forget(id);
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    const owner: LeaseOwner = { runId: ledger.runId, pid: process.pid, startTime: processStartTime(process.pid) };
    fs.writeSync(fd, JSON.stringify(owner));
    fs.closeSync(fd);
    return true;
  };
}

/** Give the subnet back: remove the lock and its ledger entry. */
export function releaseLease(ledger: Ledger, file: string): void {
  fs.rmSync(file, { force: true });
  for (const e of ledger.entries()) if (e.kind === 'path' && e.path === file) ledger.forget(e.id);
}

/** Leases whose owner process is gone (for diagnostics; `npm run clean` reclaims them via the ledger). */
export function staleLeases(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.lock'));
  } catch {
    return [];
  }
  return names
    .map((n) => path.join(dir, n))
    .filter((file) => {
      try {
        const o = JSON.parse(fs.readFileSync(file, 'utf8')) as LeaseOwner;
        return processStartTime(o.pid) !== o.startTime;
      } catch {
        return false; // being written right now
      }
    });
}
