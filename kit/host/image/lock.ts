// One run at a time per image: an ext4 filesystem mounted twice at once (two
// loop devices over one file) is corrupted within seconds. Each run takes an
// exclusive flock(2) on IMAGE.lock for as long as it uses the image.
//
// Why flock and not an O_EXCL lock file: the kernel drops a flock when its
// holder dies, even by SIGKILL, so there is never a stale lock to break and
// nothing for the ledger to reclaim (the empty .lock file stays next to the
// image, like the image). Node has no flock(), so flock(1) locks the open file
// description we hand it as its stdin; the lock then lives as long as our fd.

import fs from 'node:fs';
import { KitError } from '../../core/errors.ts';
import { run } from '../../core/shell.ts';
import { isAlive } from '../proc.ts';
import { TROUBLESHOOTING } from './file.ts';

/** Who holds an image: written into the lock file by the holder, for messages. */
export interface LockOwner {
  runId: string;
  pid: number;
  since: string;
}

export interface ImageLock {
  readonly lockFile: string;
  release(): void;
}

const CONFLICT = 75; // EX_TEMPFAIL: flock(1)'s exit code when the lock is taken

export const lockFileOf = (image: string): string => `${image}.lock`;

/**
 * Locks this process holds, by image path. A teardown that throws before it
 * releases its lock would otherwise keep the image "busy" for as long as the
 * process lives (a grader, in-process checks); the loop reclaimer releases
 * what is left here once the image is detached.
 */
const heldHere = new Map<string, { runId: string; lock: ImageLock }>();
const key = (image: string): string => {
  try {
    return fs.realpathSync(image);
  } catch {
    return image;
  }
};

/** Release the lock on `image` that this process holds for run `runId`, if any. */
export function releaseHeldLock(image: string, runId: string | undefined): void {
  if (holdsLock(image, runId)) heldHere.get(key(image))?.lock.release();
}

/** Release every image lock this process holds for run `runId` (the lifecycle calls it after teardown). */
export function releaseLocksOfRun(runId: string): void {
  for (const held of [...heldHere.values()]) if (held.runId === runId) held.lock.release();
}

/** Whether this process holds the lock on `image` for run `runId` (not for another live run). */
export const holdsLock = (image: string, runId: string | undefined): boolean =>
  runId !== undefined && heldHere.get(key(image))?.runId === runId;

/** flock -n -x on a fresh open file description; returns its fd, or undefined if someone holds it. */
async function tryFlock(lockFile: string): Promise<number | undefined> {
  const fd = fs.openSync(lockFile, 'a+', 0o644);
  const out = await run('flock', ['--nonblock', '--exclusive', '--conflict-exit-code', String(CONFLICT), '0'], { stdin: fd });
  if (out.code === 0) return fd;
  fs.closeSync(fd);
  if (out.code === CONFLICT) return undefined;
  throw new KitError(`Could not lock ${lockFile}: ${out.stderr.trim() || `flock exited with ${out.code}`}.`, {
    hint: 'flock(1) comes with util-linux: sudo apt-get install -y util-linux.',
    page: TROUBLESHOOTING,
  });
}

function readOwner(lockFile: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as LockOwner;
    return typeof owner.runId === 'string' && typeof owner.pid === 'number' ? owner : undefined;
  } catch {
    return undefined; // empty: the holder has not written its name yet
  }
}

/** Take the image's lock for this run, or throw "image busy" naming the run that has it. */
export async function lockImage(image: string, runId: string): Promise<ImageLock> {
  const lockFile = lockFileOf(image);
  const fd = await tryFlock(lockFile);
  if (fd === undefined) throw imageBusyError(image, readOwner(lockFile));
  const owner: LockOwner = { runId, pid: process.pid, since: new Date().toISOString() };
  fs.ftruncateSync(fd, 0);
  fs.writeSync(fd, `${JSON.stringify(owner)}\n`);
  let held = true;
  const k = key(image);
  const lock: ImageLock = {
    lockFile,
    release() {
      if (!held) return;
      held = false;
      heldHere.delete(k);
      fs.closeSync(fd); // the last close of the description releases the flock
    },
  };
  heldHere.set(k, { runId, lock });
  return lock;
}

/** Someone holds the lock; `owner` is what they wrote into it (absent for a moment after they took it). */
export interface LockHolder {
  owner?: LockOwner;
}

/** The live holder of an image's lock, or undefined when nobody holds it. */
export async function imageLockHolder(image: string): Promise<LockHolder | undefined> {
  const lockFile = lockFileOf(image);
  if (!fs.existsSync(lockFile)) return undefined;
  const fd = await tryFlock(lockFile);
  if (fd !== undefined) {
    fs.closeSync(fd);
    return undefined;
  }
  return { owner: readOwner(lockFile) };
}

export function imageBusyError(image: string, owner: LockOwner | undefined): KitError {
  const who = owner
    ? `run ${owner.runId} (pid ${owner.pid}${isAlive(owner.pid) ? '' : ', exiting'}, since ${owner.since.slice(11, 19)})`
    : 'another run';
  return new KitError(`The home image ${image} is busy: ${who} is using it.`, {
    hint:
      'One image can be mounted by one container at a time (ext4 mounted twice is corrupted). ' +
      'Wait for the other container to exit, or give this one its own image: --home-image other.img.',
    page: TROUBLESHOOTING,
  });
}
