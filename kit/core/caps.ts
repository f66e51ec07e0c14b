// Linux capabilities by name (capabilities(7)): the numbers are the kernel's
// ABI, the same on every architecture (include/uapi/linux/capability.h).
// Used by the capset op, by step 7 and by check 7 (CapEff in /proc/PID/status).

import fs from 'node:fs';

export const CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
] as const;

export type CapName = (typeof CAPABILITIES)[number];

/** CAP_MKNOD -> 27 */
export const capNumber = (name: CapName): number => CAPABILITIES.indexOf(name);

/** The highest capability this kernel knows (/proc/sys/kernel/cap_last_cap). */
export function lastCap(): number {
  return Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim());
}

/** Capabilities this kernel knows, by name (newer kernels may know more than the table: those are unnamed). */
export function kernelCapabilities(): CapName[] {
  const last = lastCap();
  return CAPABILITIES.filter((_, i) => i <= last);
}

/** A set of capabilities as the 64-bit mask /proc/PID/status shows (as a bigint). */
export function capMask(names: readonly CapName[]): bigint {
  return names.reduce((m, n) => m | (1n << BigInt(capNumber(n))), 0n);
}

/** "00000000a80425fb" (CapEff: in /proc/PID/status) -> names; unnamed bits as "cap_N". */
export function capNames(hex: string): string[] {
  const mask = BigInt(`0x${hex.trim() || '0'}`);
  const out: string[] = [];
  for (let i = 0; i < 64; i++) if (mask & (1n << BigInt(i))) out.push(CAPABILITIES[i] ?? `cap_${i}`);
  return out;
}
