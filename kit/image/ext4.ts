// What is inside an image, and making an ext4 filesystem on it.

import fs from 'node:fs';
import { $ } from 'zx';
import { KitError } from '../errors.ts';
import { TROUBLESHOOTING } from './page.ts';

const sh = $({ quiet: true, nothrow: true });

export type ImageContent =
  | { kind: 'missing' }
  /** no filesystem signature and nothing written at the start: never formatted */
  | { kind: 'blank'; bytes: number }
  | { kind: 'ext4'; bytes: number }
  | { kind: 'corrupt'; bytes: number; reason: string };

/** How much of the start must be zeros for a file without signature to count as blank. */
const BLANK_PROBE = 1024 * 1024;

/**
 * Look at an image file (or device) without changing it: `blkid -p` reads the
 * superblock magic of every filesystem type it knows. A file blkid finds
 * nothing in is "blank" if its first MiB is zeros (a fresh image, or a run
 * killed before mkfs) and "corrupt" otherwise (a damaged superblock looks
 * exactly like no superblock to blkid).
 */
export async function probeImage(file: string): Promise<ImageContent> {
  if (!fs.existsSync(file)) return { kind: 'missing' };
  const bytes = fs.statSync(file).size;
  const out = await sh`blkid --probe --output export ${file}`;
  if (out.exitCode === 2) {
    return startsWithZeros(file)
      ? { kind: 'blank', bytes }
      : { kind: 'corrupt', bytes, reason: 'it has no filesystem signature (no ext4 superblock) but is not empty' };
  }
  const type = /^TYPE=(.*)$/m.exec(out.stdout)?.[1];
  if (out.exitCode !== 0 || !type) {
    return { kind: 'corrupt', bytes, reason: `blkid could not tell what it holds (${(out.stderr || out.stdout).trim() || `exit ${out.exitCode}`})` };
  }
  if (type !== 'ext4') return { kind: 'corrupt', bytes, reason: `it holds a ${type} filesystem, not ext4` };
  return { kind: 'ext4', bytes };
}

function startsWithZeros(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(BLANK_PROBE);
    const n = fs.readSync(fd, buf, 0, BLANK_PROBE, 0);
    return buf.subarray(0, n).every((b) => b === 0);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * `e2fsck -p`: check the filesystem and fix only what is safe to fix without
 * asking (it also replays the journal of a run that was killed while the
 * image was mounted). Exit 0 or 1 means usable; 4 and above means damaged.
 * Returns undefined when the filesystem is fine, else the reason.
 */
export async function fsckImage(target: string): Promise<string | undefined> {
  const out = await sh`e2fsck -p ${target}`;
  if (out.exitCode !== null && out.exitCode <= 1) return undefined;
  const said = `${out.stdout}\n${out.stderr}`.trim().split('\n').filter(Boolean).slice(-2).join(' / ');
  return `e2fsck found errors it cannot fix safely (exit ${out.exitCode}: ${said})`;
}

/**
 * `mkfs.ext4` on a loop device (or a file). -m 0: no blocks reserved for root,
 * a home has no system daemons to protect. `rootDir` fills the new filesystem
 * from a directory (mkfs.ext4 -d), which is how the whole rootfs becomes one file.
 */
export async function makeExt4(target: string, label: string, from?: { rootDir: string; inodes: number }): Promise<void> {
  const fromDir = from ? ['-d', from.rootDir, '-N', String(from.inodes)] : [];
  const out = await sh`mkfs.ext4 -q -F -m 0 -L ${label} ${fromDir} ${target}`;
  if (out.exitCode !== 0) {
    throw new KitError(`mkfs.ext4 on ${target} failed: ${(out.stderr || out.stdout).trim()}`, {
      hint: /no space/i.test(out.stderr) ? 'The disk holding the kit\'s state folder is full.' : 'Is e2fsprogs installed? (sudo apt-get install -y e2fsprogs)',
      page: TROUBLESHOOTING,
    });
  }
}
