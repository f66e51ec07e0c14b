// The lab's "the container can save its filesystem as a file": the whole
// rootfs folder as one ext4 image (state/images/rootfs.img), made with
// `mkfs.ext4 -d DIR`, which copies a directory tree into the new filesystem
// without mounting anything. Copy that one file to another machine and
// `mount -o loop,ro rootfs.img /mnt` shows the container's root there.

import fs from 'node:fs';
import path from 'node:path';
import type { Ledger } from '../../core/ledger.ts';
import { makeExt4 } from './ext4.ts';
import { createImageFile } from './file.ts';
import { MiB } from '../../core/size.ts';

/** Bytes and entries of a tree (files counted by their size, rounded up to 4 KiB blocks). */
function treeUsage(dir: string): { bytes: number; entries: number } {
  let bytes = 0;
  let entries = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    entries++;
    if (e.isFile()) bytes += Math.ceil(fs.lstatSync(path.join(e.parentPath, e.name)).size / 4096) * 4096;
  }
  return { bytes, entries };
}

/**
 * Build `out` (default state/images/rootfs.img) from `rootfsDir`. Sized with
 * room to spare: the files, plus a third, plus 16 MiB for ext4's journal and
 * metadata; twice as many inodes as entries so the container can create files.
 */
export async function buildRootfsImage(ledger: Ledger, rootfsDir: string, out: string): Promise<{ file: string; bytes: number }> {
  const usage = treeUsage(rootfsDir);
  const bytes = Math.ceil(((usage.bytes * 4) / 3 + 16 * MiB) / MiB) * MiB;
  const inodes = Math.max(1024, usage.entries * 2);
  fs.rmSync(out, { force: true });
  await createImageFile(ledger, out, bytes, (tmp) => makeExt4(tmp, 'rootfs', { rootDir: rootfsDir, inodes }));
  return { file: out, bytes };
}
