// Choosing the per-run subnet: a block of the pool that overlaps nothing the
// host already routes or owns, and that no concurrent run holds. Pure logic;
// the host's routes and the locks are passed in (see host.ts, netlink.ts,
// lease.ts).

import { blockSize, formatCidr, formatIp, overlaps, parseCidr, type Cidr } from './ipv4.ts';

export const DEFAULT_POOL = '10.200.0.0/16';
/** /30: network, host end, container end, broadcast. */
export const DEFAULT_PREFIX = 30;

/**
 * Routes shorter than this are treated like a default route and ignored: VPNs
 * often install 0.0.0.0/1 + 128.0.0.0/1 instead of replacing 0.0.0.0/0, and
 * honouring those would leave no free subnet anywhere.
 */
export const MIN_ROUTE_PREFIX = 8;

/**
 * What the picker reads of a route: its destination as `ip route` prints it
 * ('default', '10.0.2.0/24', or a host address); netlink.ts reads them.
 */
export interface RouteDst {
  dst: string;
}
/** What the picker reads of an address: own address, prefix, and the peer's on a point-to-point link. */
export interface AddressOnLink {
  local: string;
  address?: string;
  prefixlen: number;
}

/** Every IPv4 block the host already uses, from its routes (all tables) and addresses. */
export function occupiedNetworks(routes: RouteDst[], addresses: AddressOnLink[]): Cidr[] {
  const out: Cidr[] = [];
  for (const r of routes) {
    if (!r.dst || r.dst === 'default' || r.dst.includes(':')) continue;
    let c: Cidr;
    try {
      c = parseCidr(r.dst, true);
    } catch {
      continue; // not IPv4
    }
    if (c.prefix >= MIN_ROUTE_PREFIX) out.push(c);
  }
  for (const a of addresses) {
    out.push(parseCidr(`${a.local}/${a.prefixlen}`, true));
    // point-to-point links: the peer's address is in use too
    if (a.address && a.address !== a.local) out.push(parseCidr(a.address, true));
  }
  return out;
}

export interface PickOptions {
  pool: Cidr;
  prefix: number;
  occupied: Cidr[];
  /** candidate index to start from; spreading starts keeps concurrent runs off each other's locks */
  start?: number;
  /** try to take a free candidate for this run (an O_EXCL lock); false if another run holds it */
  claim: (candidate: Cidr) => boolean;
}

/** The first free, claimable block of `prefix` inside the pool, scanning from `start` and wrapping. */
export function pickSubnet(o: PickOptions): Cidr | undefined {
  if (o.prefix < o.pool.prefix) throw new Error(`a /${o.prefix} does not fit in the pool ${formatCidr(o.pool)}`);
  const size = blockSize(o.prefix);
  const count = blockSize(o.pool.prefix) / size;
  const start = Math.abs(Math.floor(o.start ?? 0)) % count;
  const relevant = o.occupied.filter((c) => overlaps(c, o.pool));
  for (let i = 0; i < count; i++) {
    const candidate: Cidr = { network: o.pool.network + ((start + i) % count) * size, prefix: o.prefix };
    if (relevant.some((c) => overlaps(c, candidate))) continue;
    if (o.claim(candidate)) return candidate;
  }
  return undefined;
}

/** The two ends of the pair get the first two usable addresses of the block. */
export interface SubnetPlan {
  subnet: string;
  prefix: number;
  hostAddress: string;
  containerAddress: string;
}

export function planAddresses(subnet: Cidr): SubnetPlan {
  if (subnet.prefix > 30) throw new Error(`${formatCidr(subnet)} is too small: a veth pair needs a /30 or larger`);
  return {
    subnet: formatCidr(subnet),
    prefix: subnet.prefix,
    hostAddress: formatIp(subnet.network + 1),
    containerAddress: formatIp(subnet.network + 2),
  };
}

/** Validate the user's pool/prefix options; throws a plain Error with the reason. */
export function parsePoolOptions(pool: unknown, prefix: unknown): { pool: Cidr; prefix: number } {
  const p = parseCidr(String(pool ?? DEFAULT_POOL));
  const len = prefix === undefined ? DEFAULT_PREFIX : Number(prefix);
  if (!Number.isInteger(len) || len > 30 || len < p.prefix) {
    throw new Error(`subnet prefix /${String(prefix)} must be an integer between /${p.prefix} (the pool) and /30`);
  }
  return { pool: p, prefix: len };
}
