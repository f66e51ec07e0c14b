// The host's IPv4 routes and addresses, asked of the kernel directly over
// rtnetlink: what `ip -4 route show table all` and `ip -4 addr show` print,
// without starting a process (each `ip` costs several milliseconds, far more
// than the kernel's answer). Node has no AF_NETLINK socket, so the four libc
// calls (socket, send, recv, close) go through koffi; everything here is
// synchronous, so no other JavaScript (and no fork) runs while the socket is
// open. Read it next to `man 7 rtnetlink`.
//
// No /proc file serves for addresses: /proc/net/fib_trie lists routes only
// (an address on an interface that is down, or added with noprefixroute,
// routes nothing), and /proc/net/if_inet6 is IPv6 only.

import os from 'node:os';
import koffi from '../../core/koffi.ts';
import { KitError } from '../../core/errors.ts';
import { NET_PAGE } from './ip.ts';

// <linux/socket.h>, <linux/netlink.h>, <linux/rtnetlink.h>: the same numbers on every Linux architecture
const AF_NETLINK = 16;
const AF_INET = 2;
const SOCK_RAW = 3;
const NETLINK_ROUTE = 0;
const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300;
/** the tables changed during the dump: what was read may be inconsistent, ask again */
const NLM_F_DUMP_INTR = 0x10;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const RTM_NEWROUTE = 24;
const RTM_GETROUTE = 26;
const RTM_NEWADDR = 20;
const RTM_GETADDR = 22;
const RTA_DST = 1;
const RTA_TABLE = 15;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const NLMSG_HDRLEN = 16;
/** recv(2): return the datagram's real length even when the buffer is shorter */
const MSG_TRUNC = 0x20;
/** the kernel fills at most 32 KiB per datagram of a dump; twice that leaves room */
const RECV_BUFFER = 65536;
/** struct rtmsg / struct ifaddrmsg */
const RTMSG_LEN = 12;
const IFADDRMSG_LEN = 8;

/** One IPv4 route of any table: `dst` as `ip -j route` prints it ('default', '10.0.2.0/24', or a host address). */
export interface Ipv4Route {
  dst: string;
  table: number;
  /** RTN_* (1 unicast, 2 local, 3 broadcast ...) */
  type: number;
}

/** One IPv4 address: `local` is the interface's own; `address` differs from it only on a point-to-point link (the peer's). */
export interface Ipv4Address {
  ifindex: number;
  local: string;
  address: string;
  prefixlen: number;
}

interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  send(fd: number, buf: Buffer, len: number, flags: number): number;
  recv(fd: number, buf: Buffer, len: number, flags: number): number;
  close(fd: number): number;
}

let libc: Libc | undefined;

function loadLibc(): Libc {
  if (libc) return libc;
  const lib = koffi.load('libc.so.6');
  const socket = lib.func('int socket(int domain, int type, int protocol)');
  const send = lib.func('long send(int fd, const void *buf, size_t len, int flags)');
  const recv = lib.func('long recv(int fd, _Out_ void *buf, size_t len, int flags)');
  const close = lib.func('int close(int fd)');
  libc = {
    socket: (d, t, p) => socket(d, t, p) as number,
    send: (fd, buf, len, flags) => Number(send(fd, buf, len, flags)),
    recv: (fd, buf, len, flags) => Number(recv(fd, buf, len, flags)),
    close: (fd) => close(fd) as number,
  };
  return libc;
}

const LE = os.endianness() === 'LE';
const u16 = (b: Buffer, at: number): number => (LE ? b.readUInt16LE(at) : b.readUInt16BE(at));
const u32 = (b: Buffer, at: number): number => (LE ? b.readUInt32LE(at) : b.readUInt32BE(at));
const i32 = (b: Buffer, at: number): number => (LE ? b.readInt32LE(at) : b.readInt32BE(at));
const align4 = (n: number): number => (n + 3) & ~3;

/** 'EPERM' for 1: Node's own table (no need for the shim on an error path). */
const errnoName = (errno: number): string => Object.entries(os.constants.errno).find(([, n]) => n === errno)?.[0] ?? `errno ${errno}`;

function netlinkError(what: string, errno: number): KitError {
  return new KitError(`could not read the host's ${what} from the kernel (rtnetlink): ${errno ? errnoName(errno) : 'the socket closed'}`, {
    hint: 'Compare with `ip -4 route show table all` and `ip -4 addr show`; `npm run preflight` checks the host.',
    page: `${NET_PAGE}#options`,
  });
}

/** A dump request: nlmsghdr + the family's header (zero but for the family). */
export function dumpRequest(type: number, headerLen: number, seq: number): Buffer {
  const len = NLMSG_HDRLEN + headerLen;
  const b = Buffer.alloc(len);
  const w32 = (v: number, at: number) => (LE ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const w16 = (v: number, at: number) => (LE ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  w32(len, 0);
  w16(type, 4);
  w16(NLM_F_REQUEST | NLM_F_DUMP, 6);
  w32(seq, 8);
  b[NLMSG_HDRLEN] = AF_INET; // rtm_family / ifa_family
  return b;
}

/** One reply message: its type and flags, its family header and attributes. */
export interface NetlinkMessage {
  type: number;
  flags: number;
  /** the bytes after the 16-byte nlmsghdr */
  payload: Buffer;
}

/** Split one datagram into messages (several per recv). */
export function splitMessages(datagram: Buffer): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  let at = 0;
  while (at + NLMSG_HDRLEN <= datagram.length) {
    const len = u32(datagram, at);
    if (len < NLMSG_HDRLEN || at + len > datagram.length) break;
    out.push({ type: u16(datagram, at + 4), flags: u16(datagram, at + 6), payload: datagram.subarray(at + NLMSG_HDRLEN, at + len) });
    at += align4(len);
  }
  return out;
}

/** The rtattrs after a family header: type -> value bytes (the first of each type). */
export function attributes(payload: Buffer, headerLen: number): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let at = align4(headerLen);
  while (at + 4 <= payload.length) {
    const len = u16(payload, at);
    if (len < 4 || at + len > payload.length) break;
    const type = u16(payload, at + 2) & 0x3fff; // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
    if (!out.has(type)) out.set(type, payload.subarray(at + 4, at + len));
    at += align4(len);
  }
  return out;
}

const ipv4 = (b: Buffer | undefined): string | undefined => (b && b.length >= 4 ? `${b[0]}.${b[1]}.${b[2]}.${b[3]}` : undefined);

/** An RTM_NEWROUTE message as `ip -j route` shows its destination. */
export function parseRoute(payload: Buffer): Ipv4Route | undefined {
  if (payload.length < RTMSG_LEN || payload[0] !== AF_INET) return undefined;
  const dstLen = payload[1];
  const attrs = attributes(payload, RTMSG_LEN);
  const dst = ipv4(attrs.get(RTA_DST));
  const table = attrs.get(RTA_TABLE);
  return {
    dst: dst === undefined ? (dstLen === 0 ? 'default' : `0.0.0.0/${dstLen}`) : dstLen === 32 ? dst : `${dst}/${dstLen}`,
    table: table && table.length >= 4 ? u32(table, 0) : payload[4],
    type: payload[7],
  };
}

/** An RTM_NEWADDR message (IFA_LOCAL is the own address; IFA_ADDRESS the peer's on a point-to-point link). */
export function parseAddress(payload: Buffer): Ipv4Address | undefined {
  if (payload.length < IFADDRMSG_LEN || payload[0] !== AF_INET) return undefined;
  const attrs = attributes(payload, IFADDRMSG_LEN);
  const address = ipv4(attrs.get(IFA_ADDRESS));
  const local = ipv4(attrs.get(IFA_LOCAL)) ?? address;
  if (local === undefined) return undefined;
  return { ifindex: u32(payload, 4), local, address: address ?? local, prefixlen: payload[1] };
}

/** Send one dump request and collect its replies of `want` type, until NLMSG_DONE. */
function dump(request: Buffer, want: number): { messages: Buffer[]; interrupted: boolean } {
  const c = loadLibc();
  const fd = c.socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
  if (fd < 0) throw netlinkError('routes and addresses', koffi.errno());
  try {
    if (c.send(fd, request, request.length, 0) !== request.length) throw netlinkError('routes and addresses', koffi.errno());
    const buf = Buffer.allocUnsafe(RECV_BUFFER);
    const messages: Buffer[] = [];
    let interrupted = false;
    for (;;) {
      const n = c.recv(fd, buf, buf.length, MSG_TRUNC);
      if (n < 0 && koffi.errno() === os.constants.errno.EINTR) continue;
      if (n < 0) throw netlinkError('routes and addresses', koffi.errno());
      if (n === 0) throw netlinkError('routes and addresses', 0);
      // a longer datagram was cut: its last messages are lost, so the list would be incomplete
      if (n > buf.length) throw netlinkError('routes and addresses', os.constants.errno.EMSGSIZE);
      for (const m of splitMessages(buf.subarray(0, n))) {
        if (m.flags & NLM_F_DUMP_INTR) interrupted = true;
        if (m.type === NLMSG_DONE) return { messages, interrupted };
        if (m.type === NLMSG_ERROR) {
          const err = m.payload.length >= 4 ? -i32(m.payload, 0) : 0;
          if (err !== 0) throw netlinkError('routes and addresses', err);
          continue;
        }
        if (m.type === want) messages.push(Buffer.from(m.payload));
      }
    }
  } finally {
    c.close(fd);
  }
}

/** A dump whose tables changed meanwhile is asked again (a few times, then taken as it is). */
function consistentDump(type: number, headerLen: number, want: number): Buffer[] {
  let last: Buffer[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    const r = dump(dumpRequest(type, headerLen, attempt), want);
    last = r.messages;
    if (!r.interrupted) break;
  }
  return last;
}

/** `ip -4 route show table all`: every IPv4 route of the kit's network namespace, every table (main, local, policy tables). */
export function ipv4Routes(): Ipv4Route[] {
  return consistentDump(RTM_GETROUTE, RTMSG_LEN, RTM_NEWROUTE).flatMap((p) => parseRoute(p) ?? []);
}

/** `ip -4 addr show`: every IPv4 address of the kit's network namespace, up or down. */
export function ipv4Addresses(): Ipv4Address[] {
  return consistentDump(RTM_GETADDR, IFADDRMSG_LEN, RTM_NEWADDR).flatMap((p) => parseAddress(p) ?? []);
}
