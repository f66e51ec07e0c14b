// Errno numbers as names (from the C headers via the shim) and the usual cause
// of each one for the syscall that failed (errno-table.ts: the same table the
// site's "common errors" tables are made of).

import { causeOf, type ErrnoSyscall } from './errno-table.ts';
import { loadShim } from './native.ts';
import type { OpName } from './ops.ts';

type Syscall = OpName | 'execve' | 'clone';

/** 'EINVAL' for 22 on this machine; 'errno 999' when unknown. */
export function errnoName(errno: number): string {
  return loadShim().errnoName(errno) ?? `errno ${errno}`;
}

export function errnoHint(syscall: Syscall, name: string): string | undefined {
  return causeOf(syscall as ErrnoSyscall, name);
}
