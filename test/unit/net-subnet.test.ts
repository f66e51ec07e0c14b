import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { formatCidr, formatIp, overlaps, parseCidr, parseIp, type Cidr } from '../../kit/host/net/ipv4.ts';
import {
  occupiedNetworks,
  parsePoolOptions,
  pickSubnet,
  planAddresses,
  type AddressOnLink,
  type RouteDst,
} from '../../kit/host/net/subnet.ts';
import { attributes, dumpRequest, parseAddress, parseRoute, splitMessages } from '../../kit/host/net/netlink.ts';

// a plain host's routes (every table) and addresses, as netlink.ts reads them
const ROUTES: RouteDst[] = [
  { dst: 'default' },
  { dst: '192.0.2.0/24' },
  { dst: '127.0.0.0/8' },
  { dst: '127.0.0.1' },
  { dst: '127.255.255.255' },
  { dst: '192.0.2.2' },
  { dst: '192.0.2.255' },
];
const ADDRS: AddressOnLink[] = [
  { local: '127.0.0.1', prefixlen: 8 },
  { local: '192.0.2.2', address: '192.0.2.2', prefixlen: 24 },
];

const pool = parseCidr('10.200.0.0/16');
const always = (_: Cidr): boolean => true;
const pick = (routes: RouteDst[], addrs: AddressOnLink[] = [], claim = always, start = 0) =>
  pickSubnet({ pool, prefix: 30, occupied: occupiedNetworks(routes, addrs), start, claim });

describe('ipv4 arithmetic', () => {
  it('parses and formats addresses and blocks', () => {
    expect(formatIp(parseIp('10.200.3.4'))).toBe('10.200.3.4');
    expect(parseIp('255.255.255.255')).toBe(2 ** 32 - 1);
    expect(formatCidr(parseCidr('10.200.0.4/30'))).toBe('10.200.0.4/30');
    expect(formatCidr(parseCidr('10.200.0.6/30', true))).toBe('10.200.0.4/30');
    expect(parseCidr('192.0.2.2').prefix).toBe(32);
  });
  it('rejects nonsense', () => {
    for (const bad of ['10.200.0', '10.200.0.256', '1.2.3.4/33', '10.200.0.5/30', 'fd00::/8', '01.2.3.4']) {
      expect(() => parseCidr(bad), bad).toThrow();
    }
  });
  it('tells overlapping blocks apart', () => {
    expect(overlaps(parseCidr('10.0.0.0/8'), parseCidr('10.200.0.4/30'))).toBe(true);
    expect(overlaps(parseCidr('10.200.0.4/30'), parseCidr('10.200.0.8/30'))).toBe(false);
    expect(overlaps(parseCidr('10.200.0.6/32'), parseCidr('10.200.0.4/30'))).toBe(true);
  });
});

describe('what the host occupies', () => {
  it('reads routes of every table and addresses, ignoring the default route and IPv6', () => {
    const occ = occupiedNetworks(ROUTES, ADDRS).map(formatCidr);
    expect(occ).toContain('192.0.2.0/24');
    expect(occ).toContain('127.0.0.0/8');
    expect(occ).toContain('192.0.2.255/32');
    expect(occ).not.toContain('0.0.0.0/0');
    expect(occ.some((c) => c.includes(':'))).toBe(false);
  });
  it('ignores VPN-style split default routes (/1) but not a /8', () => {
    const occ = occupiedNetworks([{ dst: '0.0.0.0/1' }, { dst: '128.0.0.0/1' }, { dst: '10.0.0.0/8' }], []).map(formatCidr);
    expect(occ).toEqual(['10.0.0.0/8']);
  });
  it('counts the peer of a point-to-point address', () => {
    const occ = occupiedNetworks([], [{ local: '10.200.0.1', address: '10.200.9.9', prefixlen: 32 }]).map(formatCidr);
    expect(occ).toEqual(['10.200.0.1/32', '10.200.9.9/32']);
  });
});

describe('picking a subnet', () => {
  it('takes the first block of the pool on a plain host', () => {
    expect(formatCidr(pick(ROUTES, ADDRS)!)).toBe('10.200.0.0/30');
  });
  it('never overlaps a route the host has', () => {
    const s = pick([{ dst: '10.200.0.0/24' }, { dst: '10.200.1.0/30' }]);
    expect(formatCidr(s!)).toBe('10.200.1.4/30');
  });
  it('never overlaps an address the host owns, even without a route', () => {
    const s = pick([], [{ local: '10.200.0.2', prefixlen: 32 }]);
    expect(formatCidr(s!)).toBe('10.200.0.4/30');
  });
  it('skips blocks another run holds (claim refused) and wraps around from its start', () => {
    const count = 2 ** 14;
    const seen: string[] = [];
    const s = pick([], [], (c) => (seen.push(formatCidr(c)), seen.length > 2), count - 1);
    expect(seen.slice(0, 3)).toEqual(['10.200.255.252/30', '10.200.0.0/30', '10.200.0.4/30']);
    expect(formatCidr(s!)).toBe('10.200.0.4/30');
  });
  it('gives up when a route covers the whole pool', () => {
    expect(pick([{ dst: '10.0.0.0/8' }])).toBeUndefined();
    expect(pick([], [], () => false)).toBeUndefined();
  });
  it('does not claim what is occupied', () => {
    const claimed: string[] = [];
    pick([{ dst: '10.200.0.0/29' }], [], (c) => (claimed.push(formatCidr(c)), true));
    expect(claimed).toEqual(['10.200.0.8/30']);
  });
  it('supports /29 blocks and other pools', () => {
    const s = pickSubnet({ pool: parseCidr('172.31.0.0/24'), prefix: 29, occupied: [parseCidr('172.31.0.0/29')], claim: always });
    expect(formatCidr(s!)).toBe('172.31.0.8/29');
  });
});

describe('addresses and options', () => {
  it('host end .1, container end .2', () => {
    expect(planAddresses(parseCidr('10.200.0.4/30'))).toEqual({
      subnet: '10.200.0.4/30',
      prefix: 30,
      hostAddress: '10.200.0.5',
      containerAddress: '10.200.0.6',
    });
    expect(() => planAddresses(parseCidr('10.200.0.4/31'))).toThrow(/too small/);
  });
  it('validates pool and prefix', () => {
    expect(parsePoolOptions(undefined, undefined)).toEqual({ pool: parseCidr('10.200.0.0/16'), prefix: 30 });
    expect(parsePoolOptions('172.31.0.0/24', '29').prefix).toBe(29);
    expect(() => parsePoolOptions('172.31.0.0/24', 31)).toThrow();
    expect(() => parsePoolOptions('172.31.0.0/30', 29)).toThrow();
    expect(() => parsePoolOptions('172.31.0.1/24', 30)).toThrow(/host bits/);
  });
});

// rtnetlink messages built byte by byte (man 7 rtnetlink), in the host's byte
// order; the live comparison with `ip -j` is in test/integration/net-veth.test.ts.
const LE = os.endianness() === 'LE';
const u16 = (v: number) => {
  const b = Buffer.alloc(2);
  if (LE) b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
};
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  if (LE) b.writeUInt32LE(v);
  else b.writeUInt32BE(v);
  return b;
};
const pad4 = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
const rta = (type: number, value: Buffer) => pad4(Buffer.concat([u16(4 + value.length), u16(type), value]));
const ip = (text: string) => Buffer.from(text.split('.').map(Number));
const message = (type: number, payload: Buffer, flags = 2) =>
  pad4(Buffer.concat([u32(16 + payload.length), u16(type), u16(flags), u32(1), u32(0), payload]));
/** struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type; flags */
const rtmsg = (dstLen: number, table: number, type: number) => Buffer.concat([Buffer.from([2, dstLen, 0, 0, table, 2, 0, type]), u32(0)]);
/** struct ifaddrmsg: family, prefixlen, flags, scope; index */
const ifaddrmsg = (prefixlen: number, index: number) => Buffer.concat([Buffer.from([2, prefixlen, 0, 0]), u32(index)]);

describe('rtnetlink messages', () => {
  it('asks for a dump of IPv4 (NLM_F_REQUEST | NLM_F_DUMP, family AF_INET)', () => {
    const b = dumpRequest(26, 12, 7);
    expect(b.length).toBe(28);
    expect(splitMessages(b)).toEqual([{ type: 26, flags: 0x301, payload: Buffer.concat([Buffer.from([2]), Buffer.alloc(11)]) }]);
  });

  it('splits a datagram into aligned messages and stops at a truncated one', () => {
    const a = message(24, Buffer.concat([rtmsg(24, 254, 1), rta(1, ip('10.0.2.0'))]));
    const b = message(3, u32(0));
    const msgs = splitMessages(Buffer.concat([a, b, Buffer.from([40, 0, 0])]));
    expect(msgs.map((m) => m.type)).toEqual([24, 3]);
  });

  it('reads a route: its destination as ip prints it, and a table id past 255 from RTA_TABLE', () => {
    expect(parseRoute(rtmsg(0, 254, 1))).toEqual({ dst: 'default', table: 254, type: 1 });
    expect(parseRoute(Buffer.concat([rtmsg(24, 254, 1), rta(1, ip('192.0.2.0'))]))).toEqual({ dst: '192.0.2.0/24', table: 254, type: 1 });
    expect(parseRoute(Buffer.concat([rtmsg(32, 255, 2), rta(1, ip('192.0.2.2'))]))).toEqual({ dst: '192.0.2.2', table: 255, type: 2 });
    // RT_TABLE_COMPAT (252) in the header, the real id in the attribute
    expect(parseRoute(Buffer.concat([rtmsg(16, 252, 1), rta(15, u32(1000)), rta(1, ip('10.9.0.0'))]))).toEqual({
      dst: '10.9.0.0/16',
      table: 1000,
      type: 1,
    });
    // not IPv4
    expect(parseRoute(Buffer.concat([Buffer.from([10]), rtmsg(0, 254, 1).subarray(1)]))).toBeUndefined();
  });

  it('reads an address: IFA_LOCAL is the own one, IFA_ADDRESS the peer on a point-to-point link', () => {
    expect(parseAddress(Buffer.concat([ifaddrmsg(24, 4), rta(1, ip('192.0.2.2')), rta(2, ip('192.0.2.2'))]))).toEqual({
      ifindex: 4,
      local: '192.0.2.2',
      address: '192.0.2.2',
      prefixlen: 24,
    });
    expect(parseAddress(Buffer.concat([ifaddrmsg(32, 7), rta(1, ip('10.8.0.2')), rta(2, ip('10.8.0.1'))]))).toEqual({
      ifindex: 7,
      local: '10.8.0.1',
      address: '10.8.0.2',
      prefixlen: 32,
    });
    // no IFA_LOCAL (some drivers): the address is the own one
    expect(parseAddress(Buffer.concat([ifaddrmsg(8, 1), rta(1, ip('127.0.0.1'))]))?.local).toBe('127.0.0.1');
  });

  it('takes the first of each attribute type and ignores a malformed tail', () => {
    const payload = Buffer.concat([ifaddrmsg(24, 1), rta(1, ip('10.0.0.1')), rta(1, ip('10.0.0.9')), Buffer.from([200, 0, 1, 0])]);
    expect([...attributes(payload, 8).keys()]).toEqual([1]);
    expect(attributes(payload, 8).get(1)).toEqual(ip('10.0.0.1'));
  });
});
