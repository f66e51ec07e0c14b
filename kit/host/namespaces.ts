// Looking at the host from a check: snapshots to prove "the host is as before",
// and finding processes by namespace.

import fs from 'node:fs';
import { readMountinfo } from './mountinfo.ts';
import { namespaceId } from './proc.ts';

/** Host pids whose /proc/PID/ns/NAME is `id` (e.g. every process of a container). */
export function pidsInNamespace(ns: string, id: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (namespaceId(Number(entry), ns) === id) pids.push(Number(entry));
  }
  return pids;
}

export function hostHostname(): string {
  return fs.readFileSync('/proc/sys/kernel/hostname', 'utf8').trim();
}

/** Mount points of the host (mount namespace of this process), as "target fstype" lines. */
export function hostMounts(): string[] {
  return readMountinfo()
    .map((m) => `${m.mountPoint} ${m.fstype}`)
    .sort();
}

/** Entries in `after` that are not in `before` (multiset difference). */
export function added(before: string[], after: string[]): string[] {
  const left = new Map<string, number>();
  for (const b of before) left.set(b, (left.get(b) ?? 0) + 1);
  const out: string[] = [];
  for (const a of after) {
    const n = left.get(a) ?? 0;
    if (n > 0) left.set(a, n - 1);
    else out.push(a);
  }
  return out;
}

/** Wait until `cond` holds or time runs out; returns whether it held. */
export async function eventually(cond: () => boolean, timeoutMs = 2000, everyMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return cond();
}
