// The image file itself: a file of a given size full of zeros, which a loop
// device will present as a disk.
//
// The lecture makes it with `dd if=/dev/zero of=home.img bs=1M count=64`,
// which writes every zero. The kit uses `fallocate -l 64M home.img` instead:
// it reserves the same blocks at once and they read back as zeros (the
// filesystem marks them "unwritten"), so the file is what dd makes, in
// milliseconds even for gigabytes. `truncate -s 64M` would be as fast but
// sparse: no space is reserved, so a full host disk would surface later as
// I/O errors inside the container; with fallocate it fails here, clearly.

import fs from 'node:fs';
import path from 'node:path';
import { $, quiet$ } from '../../core/shell.ts';
import { KitError } from '../../core/errors.ts';
import type { Ledger } from '../../core/ledger.ts';
import { formatSize } from '../../core/size.ts';

/** The site section every image and loop-device message points to. */
export const TROUBLESHOOTING = '/steps/02-mount#troubleshooting';

const sh = quiet$;

/** Bytes free for root (the kit runs as root, so the filesystem's root reserve counts) where `dir` lives. */
export function freeBytes(dir: string): number {
  const st = fs.statfsSync(dir);
  return st.bfree * st.bsize;
}

/**
 * Create `file` with `bytes` of zeros, then let `fill` write into it (mkfs).
 * It is made under a temporary name (recorded in the ledger, so a killed run
 * leaves no half image) and renamed into place only when complete.
 */
export async function createImageFile(ledger: Ledger, file: string, bytes: number, fill?: (tmp: string) => Promise<void>): Promise<void> {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.new-${ledger.runId}`;
  const entryId = ledger.record({ kind: 'path', path: tmp });
  try {
    let out = await sh`fallocate --length ${bytes} ${tmp}`;
    if (out.exitCode !== 0 && /not supported/i.test(out.stderr)) {
      // some filesystems (old NFS, some FUSE) cannot fallocate: write the zeros like dd does
      const mib = Math.ceil(bytes / (1024 * 1024));
      out = await sh`dd if=/dev/zero of=${tmp} bs=1M count=${mib} status=none`;
      if (out.exitCode === 0) fs.truncateSync(tmp, bytes);
    }
    if (out.exitCode !== 0) {
      if (/no space left/i.test(out.stderr)) throw diskFullError(file, bytes, dir);
      throw new KitError(`Could not create the image ${file}: ${out.stderr.trim()}`, { page: TROUBLESHOOTING });
    }
    if (fill) await fill(tmp);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
    ledger.forget(entryId);
  }
}

export function diskFullError(file: string, bytes: number, dir: string): KitError {
  return new KitError(`Not enough disk space for a ${formatSize(bytes)} image at ${file} (${formatSize(freeBytes(dir))} free there).`, {
    hint:
      'Free some space, or ask for a smaller image: --home-size 32M. ' +
      "CW_STATE_DIR=/somewhere/bigger moves the kit's state folder (rootfs and images) to another disk.",
    page: TROUBLESHOOTING,
  });
}
