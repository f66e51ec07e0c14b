import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { attributes, dumpRequest, parseAddress, parseRoute, splitMessages } from '../../kit/host/net/netlink.ts';

// rtnetlink messages built byte by byte (man 7 rtnetlink), in the host's byte
// order; the live comparison with `ip -j` is in test/integration/net-veth.test.ts.
const LE = os.endianness() === 'LE';
const u16 = (v: number) => { const b = Buffer.alloc(2); if (LE) b.writeUInt16LE(v); else b.writeUInt16BE(v); return b; };
const u32 = (v: number) => { const b = Buffer.alloc(4); if (LE) b.writeUInt32LE(v); else b.writeUInt32BE(v); return b; };
const pad4 = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
const rta = (type: number, value: Buffer) => pad4(Buffer.concat([u16(4 + value.length), u16(type), value]));
const ip = (text: string) => Buffer.from(text.split('.').map(Number));
const message = (type: number, payload: Buffer, flags = 2) => pad4(Buffer.concat([u32(16 + payload.length), u16(type), u16(flags), u32(1), u32(0), payload]));
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
    expect(parseRoute(Buffer.concat([rtmsg(16, 252, 1), rta(15, u32(1000)), rta(1, ip('10.9.0.0'))]))).toEqual({ dst: '10.9.0.0/16', table: 1000, type: 1 });
    // not IPv4
    expect(parseRoute(Buffer.concat([Buffer.from([10]), rtmsg(0, 254, 1).subarray(1)]))).toBeUndefined();
  });

  it('reads an address: IFA_LOCAL is the own one, IFA_ADDRESS the peer on a point-to-point link', () => {
    expect(parseAddress(Buffer.concat([ifaddrmsg(24, 4), rta(1, ip('192.0.2.2')), rta(2, ip('192.0.2.2'))]))).toEqual({ ifindex: 4, local: '192.0.2.2', address: '192.0.2.2', prefixlen: 24 });
    expect(parseAddress(Buffer.concat([ifaddrmsg(32, 7), rta(1, ip('10.8.0.2')), rta(2, ip('10.8.0.1'))]))).toEqual({ ifindex: 7, local: '10.8.0.1', address: '10.8.0.2', prefixlen: 32 });
    // no IFA_LOCAL (some drivers): the address is the own one
    expect(parseAddress(Buffer.concat([ifaddrmsg(8, 1), rta(1, ip('127.0.0.1'))]))?.local).toBe('127.0.0.1');
  });

  it('takes the first of each attribute type and ignores a malformed tail', () => {
    const payload = Buffer.concat([ifaddrmsg(24, 1), rta(1, ip('10.0.0.1')), rta(1, ip('10.0.0.9')), Buffer.from([200, 0, 1, 0])]);
    expect([...attributes(payload, 8).keys()]).toEqual([1]);
    expect(attributes(payload, 8).get(1)).toEqual(ip('10.0.0.1'));
  });
});
