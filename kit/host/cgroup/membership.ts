// Which cgroups is a process in? /proc/PID/cgroup, as seen from the host:
// one line per hierarchy, "ID:CONTROLLERS:PATH"; on v2 the single line is
// "0::PATH" (on hybrid machines that line is systemd's tracking hierarchy).

import fs from 'node:fs';
import type { Cgroup } from './types.ts';

export interface ProcCgroups {
  /** the cgroup2 path ("0::PATH"), if any */
  unified?: string;
  /** v1 controller -> path */
  v1: Record<string, string>;
}

export function parseProcCgroup(text: string): ProcCgroups {
  const out: ProcCgroups = { v1: {} };
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') out.unified = m[3];
    else for (const c of m[2].split(',')) if (c && !c.startsWith('name=')) out.v1[c] = m[3]; // name=systemd: no controller
  }
  return out;
}

/** undefined when the process is gone */
export function procCgroups(pid: number): ProcCgroups | undefined {
  try {
    return parseProcCgroup(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Controllers of `cg` the process is *not* in (empty: it is a full member). */
export function missingMemberships(cg: Cgroup, pid: number, seen = procCgroups(pid)): string[] {
  if (!seen) return [...cg.controllers];
  if (cg.driver === 'v2') return seen.unified === cg.procPath('') ? [] : [...cg.controllers];
  return cg.controllers.filter((c) => seen.v1[c] !== cg.procPath(c));
}
