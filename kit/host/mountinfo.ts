// /proc/PID/mountinfo (proc(5)), parsed once for the whole kit:
//   ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL FIELDS...] - FSTYPE SOURCE SUPEROPTIONS
// The optional fields (shared:N, master:N ...) are what mount propagation is
// made of; their number varies, hence the "-" separator.

import fs from 'node:fs';

export interface MountinfoEntry {
  id: number;
  parent: number;
  /** "MAJ:MIN" of the filesystem's device */
  majorMinor: string;
  /** the directory of the filesystem mounted here (not "/" for bind mounts) */
  root: string;
  mountPoint: string;
  /** per-mount options, e.g. "rw,nosuid,relatime" */
  options: string;
  /** propagation: "shared:12", "master:3", "propagate_from:1", "unbindable" */
  optional: string[];
  fstype: string;
  source: string;
  superOptions: string;
}

/** mountinfo writes space, tab, newline and backslash as \040, \011, \012, \134 */
const unescapeOctal = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMountinfo(text: string): MountinfoEntry[] {
  const out: MountinfoEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const dash = f.indexOf('-', 6);
    if (dash < 0 || f.length < dash + 3) continue;
    out.push({
      id: Number(f[0]),
      parent: Number(f[1]),
      majorMinor: f[2],
      root: unescapeOctal(f[3]),
      mountPoint: unescapeOctal(f[4]),
      options: f[5],
      optional: f.slice(6, dash),
      fstype: f[dash + 1],
      source: unescapeOctal(f[dash + 2]),
      superOptions: f[dash + 3] ?? '',
    });
  }
  return out;
}

/** The mounts seen by a process (default: this one); [] when it is gone. */
export function readMountinfo(pid: number | 'self' = 'self'): MountinfoEntry[] {
  try {
    return parseMountinfo(fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8'));
  } catch {
    return [];
  }
}
