// What is inside an image, and making an ext4 filesystem on it.

import fs from 'node:fs';
import { $, quiet$ } from '../../core/shell.ts';
import { KitError } from '../../core/errors.ts';
import { TROUBLESHOOTING } from './file.ts';

const sh = quiet$;

export type ImageContent =
  | { kind: 'missing' }
  /** no filesystem signature and nothing written at the start: never formatted */
  | { kind: 'blank'; bytes: number }
  /** `clean`: unmounted cleanly, no errors recorded; otherwise e2fsck must look first */
  | { kind: 'ext4'; bytes: number; clean: boolean }
  | { kind: 'corrupt'; bytes: number; reason: string };

/** How much of the start must be zeros for a file without signature to count as blank. */
const BLANK_PROBE = 1024 * 1024;

/**
 * The few fields of the ext2/3/4 superblock (1024 bytes at offset 1024, all
 * little-endian, see the kernel's fs/ext4/ext4.h struct ext4_super_block)
 * that tell whether the image can be mounted as it is.
 */
const SUPERBLOCK = { offset: 1024, size: 1024, magic: 0x38, state: 0x3a, incompat: 0x60 } as const;
const EXT4_SUPER_MAGIC = 0xef53;
const EXT4_VALID_FS = 0x1; // s_state: unmounted cleanly
const EXT4_ERROR_FS = 0x2; // s_state: the kernel saw errors
const EXT4_FEATURE_INCOMPAT_RECOVER = 0x4; // the journal must be replayed (it was mounted when its user died)

export interface Ext4Superblock {
  clean: boolean;
}

/** Read the superblock straight from the file; undefined if there is no ext2/3/4 magic. */
export function readExt4Superblock(file: string): Ext4Superblock | undefined {
  const sb = Buffer.alloc(SUPERBLOCK.size);
  const fd = fs.openSync(file, 'r');
  try {
    if (fs.readSync(fd, sb, 0, SUPERBLOCK.size, SUPERBLOCK.offset) < SUPERBLOCK.size) return undefined;
  } finally {
    fs.closeSync(fd);
  }
  if (sb.readUInt16LE(SUPERBLOCK.magic) !== EXT4_SUPER_MAGIC) return undefined;
  const state = sb.readUInt16LE(SUPERBLOCK.state);
  const incompat = sb.readUInt32LE(SUPERBLOCK.incompat);
  const clean = (state & EXT4_VALID_FS) !== 0 && (state & EXT4_ERROR_FS) === 0 && (incompat & EXT4_FEATURE_INCOMPAT_RECOVER) === 0;
  return { clean };
}

/**
 * Look at an image file without changing it. The common case, a healthy
 * ext4, is read from its superblock in microseconds (the 0xEF53 magic, as
 * `file` and the kernel do; ext2 and ext3 share it, and ext4 mounts them).
 * Anything else goes to `blkid -p`, which knows every filesystem's magic
 * and names what is there instead. A file blkid finds nothing in is "blank"
 * if its first MiB is zeros (a fresh image, or a run killed before mkfs) and
 * "corrupt" otherwise (a damaged superblock looks exactly like none).
 */
export async function probeImage(file: string): Promise<ImageContent> {
  if (!fs.existsSync(file)) return { kind: 'missing' };
  const bytes = fs.statSync(file).size;
  const sb = readExt4Superblock(file);
  if (sb) return { kind: 'ext4', bytes, clean: sb.clean };
  const out = await sh`blkid --probe --output export ${file}`;
  if (out.exitCode === 2) {
    return startsWithZeros(file)
      ? { kind: 'blank', bytes }
      : { kind: 'corrupt', bytes, reason: 'it has no filesystem signature (no ext4 superblock) but is not empty' };
  }
  const type = /^TYPE=(.*)$/m.exec(out.stdout)?.[1];
  if (out.exitCode !== 0 || !type) {
    return {
      kind: 'corrupt',
      bytes,
      reason: `blkid could not tell what it holds (${(out.stderr || out.stdout).trim() || `exit ${out.exitCode}`})`,
    };
  }
  return { kind: 'corrupt', bytes, reason: `it holds a ${type} filesystem, not ext4` };
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
      hint: /no space/i.test(out.stderr)
        ? "The disk holding the kit's state folder is full."
        : 'Is e2fsprogs installed? (sudo apt-get install -y e2fsprogs)',
      page: TROUBLESHOOTING,
    });
  }
}
