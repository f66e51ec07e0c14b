// /proc/PID/stat, read by the core: a process is identified by its pid *and*
// its start time (the ledger's owner, the container's init), so that a pid
// reused by someone else is never taken for ours. kit/host/proc.ts builds its
// other readers (CPU time, state) on statFields.

import fs from 'node:fs';

/**
 * The fields of /proc/PID/stat after comm, from field 3 (state) on, so that
 * field N is at index N - 3; undefined once the process is gone.
 */
export function statFields(pid: number): string[] | undefined {
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
