// What the host's network looks like now, read from the kernel without
// starting a process: routes and addresses over rtnetlink (netlink.ts, what
// `ip -4 route show table all` and `ip -4 addr show` would print),
// interfaces from /proc.

import fs from 'node:fs';
import type { Cidr } from './ipv4.ts';
import { occupiedNetworks } from './subnet.ts';

/**
 * IPv4 blocks the host routes (every table, not just main) or owns an address
 * in: two netlink dumps, well under a millisecond. netlink.ts (and koffi's
 * libc binding) is loaded on first use, so that importing the kit's network
 * module stays cheap for steps that do not use it.
 */
export async function hostOccupiedNetworks(): Promise<Cidr[]> {
  const { ipv4Addresses, ipv4Routes } = await import('./netlink.ts');
  return occupiedNetworks(ipv4Routes(), ipv4Addresses());
}

/**
 * Interface names of the kit's own network namespace, from /proc/self/net/dev.
 * Not /sys/class/net: that shows the namespace of whoever mounted /sys, which
 * is not ours in a process that unshared its network namespace and kept the
 * host's /sys (a grading sandbox, `unshare --net`).
 */
function ownLinks(): string[] {
  // two header lines, then "  NAME: counters..." (':' is not allowed in names)
  return fs
    .readFileSync('/proc/self/net/dev', 'utf8')
    .split('\n')
    .slice(2)
    .map((l) => l.slice(0, l.indexOf(':')).trim())
    .filter(Boolean);
}

/** Does the kit's network namespace (the host's, for a student) have this interface? */
export const hostHasLink = (name: string): boolean => ownLinks().includes(name);

/** Is there a named namespace /run/netns/NAME (file or mount)? */
export const netnsNameExists = (name: string): boolean => fs.existsSync(`/run/netns/${name}`);

/** Interface names of the host's namespace, sorted (for before/after comparisons). */
export function hostLinks(): string[] {
  return ownLinks().sort();
}

/** Names under /run/netns (what `ip netns list` shows). */
export function namedNetns(): string[] {
  try {
    return fs.readdirSync('/run/netns').sort();
  } catch {
    return [];
  }
}

/** Wait until `done()` holds, polling; false on timeout. */
export async function waitFor(done: () => boolean, timeoutMs: number, everyMs = 2): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return true;
}
