// Classic BPF for seccomp(2), built in TypeScript: the instruction builders
// (BPF_STMT and BPF_JUMP of <linux/filter.h>), the constants from this
// machine's headers, and syscall numbers by name. Tools, not a filter: the
// deny-list itself is step 7's work. See seccomp(2) and
// Documentation/userspace-api/seccomp_filter.rst.

import os from 'node:os';
import { loadShim } from './native.ts';
import type { SockFilter } from './ops.ts';

export type { SockFilter } from './ops.ts';

/** A constant from the shim's headers: 'BPF_LD', 'SECCOMP_RET_ERRNO', 'AUDIT_ARCH' (this machine's) ... */
export const bpfConstant = (name: string): number => loadShim().constant(name);

/** BPF_STMT(code, k) */
export const BPF_STMT = (code: number, k: number): SockFilter => ({ code, jt: 0, jf: 0, k: k >>> 0 });

/** BPF_JUMP(code, k, jt, jf): jt/jf are how many instructions to skip. */
export const BPF_JUMP = (code: number, k: number, jt: number, jf: number): SockFilter => ({ code, jt, jf, k: k >>> 0 });

/** Where seccomp_data's fields are: BPF_LD | BPF_W | BPF_ABS loads from these offsets. */
export const seccompData = (): { nr: number; arch: number } => ({
  nr: bpfConstant('offsetof(seccomp_data, nr)'),
  arch: bpfConstant('offsetof(seccomp_data, arch)'),
});

/** This architecture's number of a syscall, or undefined when it has none (aarch64 has no mknod). */
export function syscallNumber(name: string): number | undefined {
  try {
    return loadShim().constant(`SYS_${name}`);
  } catch {
    return undefined;
  }
}

/** The program as the shim takes it: struct sock_filter[] in this machine's byte order, in hex. */
export function encodeFilter(filter: SockFilter[]): string {
  const size = 8;
  const buf = Buffer.alloc(filter.length * size);
  const le = os.endianness() === 'LE';
  filter.forEach((f, i) => {
    const o = i * size;
    if (le) buf.writeUInt16LE(f.code, o);
    else buf.writeUInt16BE(f.code, o);
    buf.writeUInt8(f.jt, o + 2);
    buf.writeUInt8(f.jf, o + 3);
    if (le) buf.writeUInt32LE(f.k >>> 0, o + 4);
    else buf.writeUInt32BE(f.k >>> 0, o + 4);
  });
  return buf.toString('hex');
}
