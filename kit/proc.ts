// Small readers of /proc, shared by the kit and the checks.

import fs from 'node:fs';

/** Field 22 of /proc/PID/stat (start time in clock ticks): with the pid, identifies a process. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: split after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  } catch {
    return undefined;
  }
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
