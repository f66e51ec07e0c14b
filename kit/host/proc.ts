// Small readers of /proc, shared by the kit and the checks.

import fs from 'node:fs';

/**
 * The fields of /proc/PID/stat after comm, from field 3 (state) on, so that
 * field N is at index N - 3; undefined once the process is gone.
 */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: split after the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/PID/stat (start time in clock ticks): with the pid, identifies a process. */
export function processStartTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

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
