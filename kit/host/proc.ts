// Small readers of /proc, shared by the kit and the checks.

import fs from 'node:fs';
import { statFields } from '../core/proc-stat.ts';

// the core owns the process identity (pid + start time); its users import it from here too
export { processStartTime } from '../core/proc-stat.ts';

/** Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ, 100 on every Linux). */
const USER_HZ = 100;

/** utime + stime (fields 14 and 15) of each pid still there, in seconds. */
export function cpuSecondsOf(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const f = statFields(pid);
    if (f) out.set(pid, (Number(f[11]) + Number(f[12])) / USER_HZ);
  }
  return out;
}

/** Alive and not a zombie waiting to be reaped (field 3, the state, is not Z). */
export function isRunning(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== 'Z';
}

/** The inode of /proc/PID/ns/NAME, e.g. 'pid:[4026531836]', or undefined if gone. */
export function namespaceId(pid: number | 'self', ns: string): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/${ns}`);
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
