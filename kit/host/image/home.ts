// The container's /home: an ext4 filesystem inside a file under the kit's
// state folder, on a loop device, in the lecture's order:
//   make a file of zeros -> attach it to a loop device -> mkfs.ext4 (first time only)
// and the step mounts the device on /home inside the container's mount
// namespace only. The file outlives the run, so /home persists.

import fs from 'node:fs';
import path from 'node:path';
import { $ } from '../../core/shell.ts';
import { KitError } from '../../core/errors.ts';
import type { RunContext, StepOptions } from '../../core/types.ts';
import { offerFix } from '../../core/ask.ts';
import { fsckImage, makeExt4, probeImage } from './ext4.ts';
import { createImageFile as createImageFileIn, diskFullError, freeBytes, TROUBLESHOOTING } from './file.ts';
import { lockImage, type ImageLock } from './lock.ts';
import { attachedLoopDevices, attachLoop, autoclearSet, detachLoop } from './loop.ts';
import { formatSize, MiB, parseSize } from '../../core/size.ts';

/** Step 2's options, read here (homeImageOptions); step 2 lists them in its `options`. */
export const HOME_IMAGE_OPTIONS = {
  homeSize: { type: 'size', default: 64 * MiB, help: 'size of the /home image, e.g. 64M' },
  homeImage: {
    type: 'string',
    default: 'home.img',
    placeholder: 'NAME|PATH',
    help: 'which image file holds /home (a NAME is in state/images/)',
  },
  recreateImage: { type: 'boolean', help: 'recreate a damaged or too small /home image without asking' },
} as const satisfies StepOptions;
/** ext4 with its journal and metadata needs a few MiB before there is room for files. */
export const MIN_HOME_BYTES = 4 * MiB;

export const imagesDir = (stateDir: string): string => path.join(stateDir, 'images');

export interface HomeImageOptions {
  /** absolute path of the image file */
  file: string;
  /** requested size in bytes (an existing larger image is used as it is) */
  bytes: number;
  /** --recreate-image: erase and remake a corrupt or too small image without asking */
  recreate: boolean;
  /** --yes: accept the offered fix without asking */
  yes: boolean;
}

export interface HomeImage {
  file: string;
  /** /dev/loopN */
  device: string;
  bytes: number;
  /** what was done this run, for the user and the checks */
  created: boolean;
  formatted: boolean;
  /** the ledger entry of the loop device */
  loopEntryId: number;
  lock: ImageLock;
}

/** --home-size 64M, --home-image NAME|PATH, --recreate-image, --yes. */
export function homeImageOptions(ctx: RunContext): HomeImageOptions {
  const o = ctx.options;
  const name = o.homeImage ?? HOME_IMAGE_OPTIONS.homeImage.default;
  const file = name.includes('/') ? path.resolve(name) : path.join(imagesDir(ctx.stateDir), name);
  const bytes = o.homeSize ?? HOME_IMAGE_OPTIONS.homeSize.default;
  if (!Number.isSafeInteger(bytes) || bytes < MIN_HOME_BYTES) {
    throw new KitError(`--home-size ${formatSize(bytes)} is too small for an ext4 filesystem.`, {
      hint: `Use at least ${formatSize(MIN_HOME_BYTES)} (the default is ${formatSize(HOME_IMAGE_OPTIONS.homeSize.default)}).`,
      page: TROUBLESHOOTING,
    });
  }
  return { file, bytes, recreate: o.recreateImage === true, yes: o.yes === true };
}

/**
 * Make sure the image exists and holds a healthy ext4 of at least the size
 * asked, attach it to a free loop device, format it the first time.
 * Takes the image's lock for the whole run (see lock.ts): a second run on
 * the same image at the same time gets "image busy".
 */
export async function attachHomeImage(ctx: RunContext, opts = homeImageOptions(ctx)): Promise<HomeImage> {
  const { file } = opts;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lock = await lockImage(file, ctx.runId);
  let loop: { device: string; entryId: number } | undefined;
  try {
    refuseLeftoverDevices(file);
    const { created, mustFormat } = await readyImageFile(ctx, opts);
    loop = await attachLoop(ctx.ledger, file);
    if (mustFormat) await makeExt4(loop.device, 'home');
    const bytes = fs.statSync(file).size;
    const image: HomeImage = { file, device: loop.device, bytes, created, formatted: mustFormat, loopEntryId: loop.entryId, lock };
    // say so once, when the image is new (`--quiet` for checks and benchmarks)
    if (mustFormat && ctx.options.quiet !== true) process.stderr.write(`cw ${describeHomeImage(image)}\n`);
    return image;
  } catch (err) {
    if (loop) {
      await detachLoop(loop.device, fs.realpathSync(file)).catch(() => undefined);
      ctx.ledger.forget(loop.entryId);
    }
    lock.release();
    throw err;
  }
}

/** What the kit hands step 2's student: where the image goes, how big, and that this run has it to itself. */
export interface HomeImageClaim {
  /** absolute path of the image file (it may not exist yet: then make it) */
  file: string;
  /** its size: bytes, and in MiB for dd's count= */
  bytes: number;
  mib: number;
}

/**
 * The kit's part of step 2's /home, around the student's own commands: the
 * image's path and size (--home-image, --home-size), its lock for the whole
 * run (a second run on the same image gets "image busy"; the lifecycle
 * releases it after teardown), a refusal when a killed run left it attached,
 * and the repairs that ask first (a damaged or too small image). It never
 * makes the file, attaches it or formats it: that is the step.
 */
export async function claimHomeImage(ctx: RunContext, opts = homeImageOptions(ctx)): Promise<HomeImageClaim> {
  fs.mkdirSync(path.dirname(opts.file), { recursive: true });
  // the real path: it is what the kernel shows as the loop device's backing file
  const file = path.join(fs.realpathSync(path.dirname(opts.file)), path.basename(opts.file));
  const lock = await lockImage(file, ctx.runId);
  try {
    await waitForAutoclear(file);
    refuseLeftoverDevices(file);
    await readyImageFile(ctx, { ...opts, file }, false);
    // the student's dd would stop halfway on a full disk and leave half an image: say so before
    if (!fs.existsSync(file) && freeBytes(path.dirname(file)) < opts.bytes) throw diskFullError(file, opts.bytes, path.dirname(file));
  } catch (err) {
    lock.release();
    throw err;
  }
  return { file, bytes: opts.bytes, mib: Math.ceil(opts.bytes / MiB) };
}

/**
 * A run that detached with `losetup -d` while its container's mount namespace
 * still had the image mounted leaves the device to the kernel, which detaches
 * it at the last close (autoclear): give it a moment before calling it a leftover.
 */
async function waitForAutoclear(file: string, timeoutMs = 3000): Promise<void> {
  if (!fs.existsSync(file)) return;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const devices = attachedLoopDevices(file);
    if (devices.length === 0 || !devices.every(autoclearSet)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** One line for the user: where /home comes from and what this run did to it. */
export function describeHomeImage(image: HomeImage): string {
  const done = image.created ? 'created now, new ext4' : image.formatted ? 'formatted now' : 'kept from earlier runs';
  return `/home: ${image.file} (${formatSize(image.bytes)}, ${done}) on ${image.device}`;
}

/** Detach the loop device (waiting until the kernel has), then let other runs have the image. */
export async function detachHomeImage(ctx: RunContext, image: HomeImage): Promise<void> {
  try {
    await detachLoop(image.device, fs.realpathSync(image.file));
    ctx.ledger.forget(image.loopEntryId);
  } finally {
    image.lock.release();
  }
}

/**
 * We hold the lock, so a device still attached to the image is not a live
 * run's: it was left by a run that was killed (its container may even still
 * have it mounted), or attached by hand. Mounting the image through a second
 * device would corrupt it, so stop and say how to clean up.
 */
function refuseLeftoverDevices(file: string): void {
  if (!fs.existsSync(file)) return;
  const devices = attachedLoopDevices(file);
  if (devices.length === 0) return;
  throw new KitError(
    `The home image ${file} is still attached to ${devices.join(', ')} (left by a run that did not finish, or attached by hand).`,
    {
      hint: `Run \`npm run clean\`, or detach it yourself: sudo losetup -d ${devices[0]} (if it is still mounted somewhere, \`grep ${path.basename(devices[0])} /proc/*/mountinfo\` shows where).`,
      page: TROUBLESHOOTING,
    },
  );
}

/**
 * Create, check, grow or recreate the file as needed; says whether mkfs must
 * run. With `make` false (step 2's student makes the file with dd), a file
 * that must be made anew is removed (or set aside) instead, and left to them.
 */
async function readyImageFile(ctx: RunContext, opts: HomeImageOptions, make = true): Promise<{ created: boolean; mustFormat: boolean }> {
  const { file, bytes } = opts;
  const createImageFile = make ? createImageFileIn : async (_ledger: unknown, f: string) => fs.rmSync(f, { force: true });
  const content = await probeImage(file);
  const flagHint = `run again with --recreate-image (erases ${path.basename(file)}) or --yes`;

  if (content.kind === 'missing') {
    if (make) await createImageFile(ctx.ledger, file, bytes);
    return { created: true, mustFormat: true };
  }
  if (content.kind === 'blank') {
    // never formatted (a run stopped before mkfs): nothing to lose, just make it the right size
    if (content.bytes < bytes || !make) {
      // (a dd that was stopped halfway leaves such a file: the student's dd makes it again)
      fs.rmSync(file);
      if (make) await createImageFile(ctx.ledger, file, bytes);
    }
    return { created: !make, mustFormat: true };
  }

  // e2fsck only when the superblock asks for it (as at boot): not cleanly unmounted, or errors seen
  const damage = content.kind === 'corrupt' ? content.reason : content.clean ? undefined : await fsckImage(file);
  if (damage) {
    await offerFix({
      problem: `The home image ${file} is damaged: ${damage}.`,
      fixes: [{ value: 'recreate', title: `recreate it (the old one is kept as ${path.basename(file)}.broken)` }],
      chosen: opts.recreate ? 'recreate' : undefined,
      yes: opts.yes,
      flagHint,
      page: TROUBLESHOOTING,
    });
    fs.renameSync(file, `${file}.broken`);
    await createImageFile(ctx.ledger, file, bytes);
    return { created: true, mustFormat: true };
  }

  if (content.bytes < bytes) {
    const fix = await offerFix<'grow' | 'recreate'>({
      problem: `The home image ${file} is ${formatSize(content.bytes)}, smaller than the ${formatSize(bytes)} asked for.`,
      fixes: [
        { value: 'grow', title: `grow it to ${formatSize(bytes)} (keeps its files)` },
        { value: 'recreate', title: `recreate it empty at ${formatSize(bytes)} (erases its files)` },
      ],
      chosen: opts.recreate ? 'recreate' : undefined,
      yes: opts.yes,
      flagHint: `${flagHint} (grows it, keeping the files), or ask for --home-size ${formatSize(content.bytes).replace(/ (.)iB$/, '$1')}`,
      page: TROUBLESHOOTING,
    });
    if (fix === 'recreate') {
      fs.rmSync(file);
      await createImageFile(ctx.ledger, file, bytes);
      return { created: true, mustFormat: true };
    }
    await growExt4Image(file, bytes);
  }
  return { created: false, mustFormat: false };
}

/** fallocate extends the file with zeros (keeping its data), resize2fs grows the ext4 into them. */
async function growExt4Image(file: string, bytes: number): Promise<void> {
  const sh = $({ quiet: true, nothrow: true });
  const grown = await sh`fallocate --length ${bytes} ${file}`;
  // resize2fs insists on a full check first when the filesystem was mounted since the last one
  const checked = grown.exitCode === 0 ? await sh`e2fsck -f -p ${file}` : grown;
  const resized = checked.exitCode === 0 || checked.exitCode === 1 ? await sh`resize2fs ${file}` : checked;
  if (resized.exitCode !== 0) {
    throw new KitError(`Could not grow ${file}: ${resized.stderr.trim()}`, {
      hint: 'Is the disk full? Or recreate it: --recreate-image (erases its files).',
      page: TROUBLESHOOTING,
    });
  }
}
