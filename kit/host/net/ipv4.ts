// IPv4 addresses and CIDR blocks as plain numbers: enough arithmetic to pick a
// free subnet and to name the two ends of a veth pair. Pure, no I/O.

export interface Cidr {
  /** network address as an unsigned 32-bit number (host bits zero) */
  network: number;
  /** prefix length, 0..32 */
  prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function parseIp(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) throw new Error(`not an IPv4 address: ${text}`);
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Size of a block with this prefix: /30 -> 4 addresses. */
export const blockSize = (prefix: number): number => 2 ** (32 - prefix);

/** '10.200.0.0/16' -> Cidr. Host bits must be zero unless `loose` (then they are cleared). */
export function parseCidr(text: string, loose = false): Cidr {
  const [ip, len, ...rest] = text.split('/');
  const prefix = len === undefined ? 32 : Number(len);
  if (rest.length || !/^\d+$/.test(String(prefix)) || prefix < 0 || prefix > 32) throw new Error(`not an IPv4 CIDR block: ${text}`);
  const address = parseIp(ip);
  const network = address - (address % blockSize(prefix));
  if (!loose && network !== address) throw new Error(`${text} has host bits set; did you mean ${formatIp(network)}/${prefix}?`);
  return { network, prefix };
}

export const formatCidr = (c: Cidr): string => `${formatIp(c.network)}/${c.prefix}`;

/** Last address of the block (its broadcast address). */
export const lastAddress = (c: Cidr): number => c.network + blockSize(c.prefix) - 1;

/** Two blocks overlap when either contains the other's first address (CIDR blocks nest or are disjoint). */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.network <= lastAddress(b) && b.network <= lastAddress(a);
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.prefix <= inner.prefix && outer.network <= inner.network && lastAddress(inner) <= lastAddress(outer);
}
