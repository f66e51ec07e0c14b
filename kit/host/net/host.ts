// What the host's network looks like now, read with the tools a student would
// use (`ip -j route`, `ip -j addr`) and with /sys where a process is too slow.

import fs from 'node:fs';
import type { Cidr } from './ipv4.ts';
import { occupiedNetworks, type IpAddrJson, type IpRouteJson } from './subnet.ts';
import { $ } from '../../core/shell.ts';

/** IPv4 blocks the host routes (every table, not just main) or owns an address in. */
export async function hostOccupiedNetworks(): Promise<Cidr[]> {
  const q = $({ quiet: true });
  const [routes, addrs] = await Promise.all([q`ip -4 -j route show table all`, q`ip -4 -j addr show`]);
  return occupiedNetworks(parseJson<IpRouteJson>(routes.stdout), parseJson<IpAddrJson>(addrs.stdout));
}

function parseJson<T>(text: string): T[] {
  const t = text.trim();
  return t ? (JSON.parse(t) as T[]) : [];
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
