// Loop devices with losetup(8), the tool an administrator uses: a loop device
// makes a regular file look like a disk, so mkfs and mount can use it.
// (Attach and detach run on every container start: see core/shell.ts's run() for why not zx.)
// Behind losetup are two ioctls (the site's step-2 page shows them):
// LOOP_CTL_GET_FREE on /dev/loop-control, then LOOP_CONFIGURE on /dev/loopN.

import fs from 'node:fs';
import path from 'node:path';
import { $, quiet$, run } from '../../core/shell.ts';
import { KitError } from '../../core/errors.ts';
import type { Ledger, LedgerEntry, Reclaimer } from '../../core/ledger.ts';
import { holdsLock, imageLockHolder, releaseHeldLock } from './lock.ts';
import { TROUBLESHOOTING } from './file.ts';

const sh = quiet$;

export const LOOP_CONTROL = '/dev/loop-control';

/** The file behind /dev/loopN according to the kernel, or undefined if loopN is not attached. */
export function backingFileOf(device: string): string | undefined {
  try {
    // the kernel appends " (deleted)" when the file was unlinked while attached
    return fs.readFileSync(`/sys/block/${path.basename(device)}/loop/backing_file`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** major:minor of a block device, from sysfs (e.g. loop3 -> [7, 3]). */
export function deviceNumbers(device: string): [number, number] {
  const dev = fs.readFileSync(`/sys/block/${path.basename(device)}/dev`, 'utf8').trim();
  const [major, minor] = dev.split(':').map(Number);
  return [major, minor];
}

/**
 * Loop devices attached to `file`, read from sysfs: what `losetup -j` prints
 * without starting a process (the kit attaches by real path, so the names
 * match). Used on every container start.
 */
export function attachedLoopDevices(file: string): string[] {
  const real = fs.realpathSync(file);
  return fs
    .readdirSync('/sys/block')
    .filter((name) => name.startsWith('loop') && backingFileOf(name)?.replace(/ \(deleted\)$/, '') === real)
    .map((name) => `/dev/${name}`);
}

/** Every loop device attached to `file` (`losetup -j FILE`, matched by inode, so also under another name). */
export async function loopDevicesFor(file: string): Promise<string[]> {
  if (!fs.existsSync(file)) return [];
  const out = await sh`losetup --noheadings --output NAME --associated ${file}`;
  return out.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Why no loop device can be had, as a KitError; `detail` is what losetup said. */
export function noLoopDeviceError(detail: string, loopControl = LOOP_CONTROL): KitError {
  if (!fs.existsSync(loopControl)) {
    return new KitError(`No loop device available: ${loopControl} does not exist.`, {
      hint: 'The loop driver is not loaded. Run `sudo modprobe loop` (inside a Docker container: start it with --privileged or pass --device /dev/loop-control).',
      page: TROUBLESHOOTING,
    });
  }
  return new KitError(`No free loop device: losetup said "${detail.trim()}".`, {
    hint:
      'See what holds them with `losetup -a`; `npm run clean` detaches the ones left by killed runs. ' +
      'If the driver has a fixed number of devices, raise it: `sudo modprobe loop max_loop=64` (or loop.max_loop=64 on the kernel command line).',
    page: TROUBLESHOOTING,
  });
}

/**
 * `losetup --find --show FILE`: attach `file` to the first free loop device.
 * Recorded in the ledger before attaching (kind 'loop'), the device name added after.
 */
export async function attachLoop(ledger: Ledger, file: string): Promise<{ device: string; entryId: number }> {
  const backingFile = fs.realpathSync(file);
  // the run id ties the entry to the image lock that run holds (lock.ts)
  const entryId = ledger.record({ kind: 'loop', backingFile, runId: ledger.runId });
  const out = await run('losetup', ['--find', '--show', backingFile]);
  const device = out.stdout.trim();
  if (out.code !== 0 || !device.startsWith('/dev/')) {
    ledger.forget(entryId);
    throw noLoopDeviceError(out.stderr || out.stdout);
  }
  ledger.update(entryId, { device });
  return { device, entryId };
}

/**
 * `losetup -d DEVICE`, then wait until the kernel has really let go. While a
 * mount still uses the device (a container's mount namespace is torn down a
 * moment after its last process exits) the kernel only marks it "autoclear"
 * and detaches it at the last close; waiting makes "no loop device left"
 * true when teardown returns.
 */
export async function detachLoop(device: string, backingFile: string, timeoutMs = 5000): Promise<void> {
  if (!attachedTo(device, backingFile)) return;
  const out = await run('losetup', ['--detach', device]);
  const deadline = Date.now() + timeoutMs;
  while (attachedTo(device, backingFile)) {
    if (Date.now() > deadline) {
      const holders = whoHolds(device);
      throw new KitError(
        `${device} (${backingFile}) is still attached after losetup -d${out.stderr ? `: ${out.stderr.trim()}` : ''}${holders.length ? `; ${holders.join(', ')}` : ''}.`,
        {
          hint: `Something still has it open or mounted: see \`grep ${path.basename(device)} /proc/*/mountinfo\` and \`losetup -a\`; then \`npm run clean\`.`,
          page: TROUBLESHOOTING,
        },
      );
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Processes that have `device` open or mounted in their mount namespace (for the message when it will not let go). */
function whoHolds(device: string): string[] {
  let majorMinor: string;
  try {
    majorMinor = deviceNumbers(device).join(':');
  } catch {
    return [];
  }
  const found: string[] = [];
  const namespaces = new Set<string>();
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const ns = fs.readlinkSync(`/proc/${pid}/ns/mnt`);
      if (!namespaces.has(ns)) {
        namespaces.add(ns);
        const mount = fs
          .readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
          .split('\n')
          .find((l) => l.split(' ')[2] === majorMinor);
        if (mount) found.push(`mounted on ${mount.split(' ')[4]} in the mount namespace of pid ${pid} (${comm})`);
      }
      if (fs.readdirSync(`/proc/${pid}/fd`).some((fd) => safeReadlink(`/proc/${pid}/fd/${fd}`) === device))
        found.push(`open in pid ${pid} (${comm})`);
    } catch {
      // the process went away while we looked
    }
  }
  return found;
}

const safeReadlink = (p: string): string | undefined => {
  try {
    return fs.readlinkSync(p);
  } catch {
    return undefined;
  }
};

/** Image files whose loop device this process's ledger reclaimers had to detach (a step's teardown forgot to). */
const reclaimed = new Set<string>();

/** Whether the ledger, not the step, detached `backingFile`'s loop device (for the step-2 check). */
export const loopReclaimedByLedger = (backingFile: string): boolean => reclaimed.has(backingFile);

/** The kernel detaches the device at its last close (`losetup -d` on a device still in use). */
export function autoclearSet(device: string): boolean {
  try {
    return fs.readFileSync(`/sys/block/${path.basename(device)}/loop/autoclear`, 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

/** Is `device` attached, and to this file? (A device number can be reused by someone else after a crash.) */
function attachedTo(device: string, backingFile: string): boolean {
  const current = backingFileOf(device);
  return current !== undefined && current.replace(/ \(deleted\)$/, '') === backingFile;
}

/**
 * Reclaimer for kind 'loop'. With a device: detach it if it still belongs to
 * this file. Without (the run died between recording and losetup printing the
 * name): the devices `losetup -j` finds for the file, unless a live run holds
 * the image's lock, in which case they are that run's and are left alone.
 */
export const reclaimLoop: Reclaimer = async (entry: LedgerEntry) => {
  if (entry.kind !== 'loop') return;
  if (entry.device) {
    // still attached, and nobody asked the kernel to let go (losetup -d sets autoclear on a busy device)
    if (attachedTo(entry.device, entry.backingFile) && !autoclearSet(entry.device)) reclaimed.add(entry.backingFile);
    await detachLoop(entry.device, entry.backingFile);
  } else {
    // another live run's image is not ours to detach (but a lock this very
    // process still holds is: its teardown failed before releasing it)
    if (!holdsLock(entry.backingFile, entry.runId) && (await imageLockHolder(entry.backingFile))) return;
    for (const device of await loopDevicesFor(entry.backingFile)) await detachLoop(device, entry.backingFile);
  }
  releaseHeldLock(entry.backingFile, entry.runId);
};
