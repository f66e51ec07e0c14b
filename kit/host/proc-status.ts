// /proc/PID/status and /proc/PID/{uid,gid}_map as a check reads them from the host.

import fs from 'node:fs';

/** "Uid:\t0\t0\t0\t0" ... as a map of field -> value (trimmed). */
export function procStatus(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** The four ids of a Uid:/Gid: line: real, effective, saved, filesystem. */
export const ids = (field: string | undefined): number[] => (field ?? '').split(/\s+/).filter(Boolean).map(Number);

export interface IdMapLine {
  inside: number;
  outside: number;
  count: number;
}

/** /proc/PID/uid_map or gid_map, as seen from the host's user namespace. */
export function idMap(pid: number, which: 'uid_map' | 'gid_map'): IdMapLine[] {
  return fs
    .readFileSync(`/proc/${pid}/${which}`, 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter((f) => f.length === 3 && f.every(Number.isFinite))
    .map(([inside, outside, count]) => ({ inside, outside, count }));
}

/** An outside id seen through a map: the id inside, or undefined when unmapped. */
export function inside(map: IdMapLine[], outside: number): number | undefined {
  const l = map.find((m) => outside >= m.outside && outside < m.outside + m.count);
  return l ? l.inside + (outside - l.outside) : undefined;
}

export const describeMap = (map: IdMapLine[]): string => map.map((m) => `${m.inside} ${m.outside} ${m.count}`).join('; ') || '(empty)';
