// The home image on real loop devices: lifecycle, persistence, the lock,
// and every "clear message" case. Needs root and the loop driver.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $ } from 'zx';
import { KitError } from '../../kit/core/errors.ts';
import {
  attachHomeImage,
  backingFileOf,
  claimHomeImage,
  detachHomeImage,
  probeImage,
  releaseLocksOfRun,
  type HomeImage,
} from '../../kit/host/image/index.ts';
import { sandbox, type Sandbox } from './image-helpers.ts';

const sh = $({ quiet: true });
let box: Sandbox;

beforeEach(() => {
  box = sandbox();
});

// Other suites may attach loop devices and mount things meanwhile, so the
// comparison is limited to what belongs to this test's own state folder.
afterEach(async () => {
  const stray = await box.strayLoops();
  await box.cleanup();
  expect(stray, 'loop devices the kit left attached').toEqual([]);
  expect(box.mountsInside(), 'mounts left by the test').toEqual([]);
});

const small = { homeSize: 8 * 2 ** 20 };

/** Mount the image's device on the host (test only), run `fn` in it, unmount. */
async function inMounted<T>(image: HomeImage, fn: (dir: string) => T): Promise<T> {
  const dir = box.mountPoint();
  await sh`mount -t ext4 ${image.device} ${dir}`;
  try {
    return fn(dir);
  } finally {
    await sh`umount ${dir}`;
  }
}

async function expectKitError(p: Promise<unknown>, message: RegExp, hint?: RegExp): Promise<KitError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KitError);
  const kit = err as KitError;
  expect(kit.message).toMatch(message);
  if (hint) expect(kit.hint).toMatch(hint);
  expect(kit.page).toBe('/steps/02-mount#troubleshooting');
  return kit;
}

describe('home image lifecycle', () => {
  it('creates, formats and attaches the image the first time, and detaches it', async () => {
    const ctx = box.ctx(small);
    const image = await attachHomeImage(ctx);
    expect(image.file).toBe(path.join(box.stateDir, 'images', 'home.img'));
    expect(image).toMatchObject({ created: true, formatted: true, bytes: 8 * 1024 * 1024 });
    expect(image.device).toMatch(/^\/dev\/loop\d+$/);
    expect(backingFileOf(image.device)).toBe(fs.realpathSync(image.file));
    expect((await sh`blkid -p -o value -s TYPE ${image.device}`).stdout.trim()).toBe('ext4');
    // recorded in the ledger with its device
    expect(ctx.ledger.entries()).toContainEqual(expect.objectContaining({ kind: 'loop', device: image.device }));
    await detachHomeImage(ctx, image);
    expect(backingFileOf(image.device)).toBeUndefined();
    expect(ctx.ledger.entries()).toEqual([]);
  });

  it('keeps the files written in /home for the next run', async () => {
    const first = box.ctx(small);
    const a = await attachHomeImage(first);
    await inMounted(a, (dir) => fs.writeFileSync(path.join(dir, 'kept.txt'), 'still here'));
    await detachHomeImage(first, a);

    const second = box.ctx(small);
    const b = await attachHomeImage(second);
    expect(b).toMatchObject({ created: false, formatted: false });
    expect(await inMounted(b, (dir) => fs.readFileSync(path.join(dir, 'kept.txt'), 'utf8'))).toBe('still here');
    await detachHomeImage(second, b);
  });

  it('formats a blank image (a run stopped before mkfs) without calling it corrupt', async () => {
    const file = path.join(box.stateDir, 'images', 'home.img');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await sh`fallocate --length 8M ${file}`;
    const ctx = box.ctx(small);
    const image = await attachHomeImage(ctx);
    expect(image).toMatchObject({ created: false, formatted: true });
    await detachHomeImage(ctx, image);
    expect((await probeImage(file)).kind).toBe('ext4');
  });

  it('uses --home-image NAME under state/images, or a path', async () => {
    const ctx = box.ctx({ ...small, homeImage: 'other.img' });
    const image = await attachHomeImage(ctx);
    expect(image.file).toBe(path.join(box.stateDir, 'images', 'other.img'));
    await detachHomeImage(ctx, image);
  });
});

describe('two runs at once', () => {
  it('refuses a second run on the same image, naming the first', async () => {
    const first = box.ctx(small);
    const a = await attachHomeImage(first);
    try {
      const err = await expectKitError(attachHomeImage(box.ctx(small)), /busy/, /--home-image/);
      expect(err.message).toContain(first.runId);
      expect(err.message).toContain(String(process.pid));
    } finally {
      await detachHomeImage(first, a);
    }
    // free again once the first has let go
    const third = box.ctx(small);
    await detachHomeImage(third, await attachHomeImage(third));
  });

  it('runs two containers at once with two images on two loop devices', async () => {
    const c1 = box.ctx(small);
    const c2 = box.ctx({ ...small, homeImage: 'second.img' });
    const [a, b] = await Promise.all([attachHomeImage(c1), attachHomeImage(c2)]);
    expect(a.device).not.toBe(b.device);
    await Promise.all([detachHomeImage(c1, a), detachHomeImage(c2, b)]);
  });

  it('lets exactly one of two simultaneous runs have the image', async () => {
    const c1 = box.ctx(small);
    const c2 = box.ctx(small);
    const results = await Promise.allSettled([attachHomeImage(c1), attachHomeImage(c2)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(String(lost.reason)).toMatch(/busy/);
    const winner = results[0].status === 'fulfilled' ? c1 : c2;
    await detachHomeImage(winner, (won[0] as PromiseFulfilledResult<HomeImage>).value);
  });
});

describe('clear messages and offers to fix', () => {
  const imageFile = () => path.join(box.stateDir, 'images', 'home.img');

  async function makeImage(): Promise<void> {
    const ctx = box.ctx(small);
    await detachHomeImage(ctx, await attachHomeImage(ctx));
  }

  it('calls an image with a broken superblock damaged, and recreates it with --recreate-image', async () => {
    await makeImage();
    await sh`dd if=/dev/urandom of=${imageFile()} bs=1k seek=1 count=4 conv=notrunc status=none`;
    await expectKitError(attachHomeImage(box.ctx(small)), /damaged.*no filesystem signature/, /--recreate-image/);

    const ctx = box.ctx({ ...small, recreateImage: true });
    const image = await attachHomeImage(ctx);
    expect(image).toMatchObject({ created: true, formatted: true });
    await detachHomeImage(ctx, image);
    expect(fs.existsSync(`${imageFile()}.broken`)).toBe(true);
  });

  it('calls an image holding another filesystem damaged', async () => {
    fs.mkdirSync(path.dirname(imageFile()), { recursive: true });
    await sh`fallocate --length 8M ${imageFile()}`;
    await sh`mkswap ${imageFile()}`;
    await expectKitError(attachHomeImage(box.ctx(small)), /swap filesystem, not ext4/);
  });

  it('calls an ext4 that e2fsck cannot repair damaged', async () => {
    await makeImage();
    // wipe the root directory's inode (superblock intact) and mark the filesystem
    // not clean, as a crash would: e2fsck -p then checks it and gives up
    await sh`debugfs -w -R ${'clri <2>'} ${imageFile()}`;
    await sh`debugfs -w -R ${'ssv state 0'} ${imageFile()}`;
    await expectKitError(attachHomeImage(box.ctx(small)), /damaged: e2fsck/, /--yes/);
  });

  it('checks an image that was not cleanly unmounted (a killed run) and uses it', async () => {
    await makeImage();
    await sh`debugfs -w -R ${'ssv state 0'} ${imageFile()}`;
    expect(await probeImage(imageFile())).toMatchObject({ kind: 'ext4', clean: false });
    const ctx = box.ctx(small);
    const image = await attachHomeImage(ctx);
    expect(image).toMatchObject({ created: false, formatted: false });
    await detachHomeImage(ctx, image);
    // e2fsck -p marked it clean again
    expect(await probeImage(imageFile())).toMatchObject({ kind: 'ext4', clean: true });
  });

  it('offers to grow an image smaller than asked, keeping its files', async () => {
    const first = box.ctx(small);
    const a = await attachHomeImage(first);
    await inMounted(a, (dir) => fs.writeFileSync(path.join(dir, 'mine.txt'), 'x'));
    await detachHomeImage(first, a);

    await expectKitError(attachHomeImage(box.ctx({ homeSize: 16 * 2 ** 20 })), /8 MiB, smaller than the 16 MiB/, /--home-size 8M/);

    const ctx = box.ctx({ homeSize: 16 * 2 ** 20, yes: true });
    const b = await attachHomeImage(ctx);
    expect(b).toMatchObject({ created: false, formatted: false, bytes: 16 * 1024 * 1024 });
    const { size, kept } = await inMounted(b, (dir) => ({
      size: fs.statfsSync(dir).blocks * fs.statfsSync(dir).bsize,
      kept: fs.existsSync(path.join(dir, 'mine.txt')),
    }));
    expect(kept).toBe(true);
    expect(size).toBeGreaterThan(12 * 1024 * 1024);
    await detachHomeImage(ctx, b);
  });

  it('uses a larger image as it is', async () => {
    const ctx1 = box.ctx({ homeSize: 16 * 2 ** 20 });
    await detachHomeImage(ctx1, await attachHomeImage(ctx1));
    const ctx2 = box.ctx(small);
    const image = await attachHomeImage(ctx2);
    expect(image.bytes).toBe(16 * 1024 * 1024);
    await detachHomeImage(ctx2, image);
  });

  it('refuses an image still attached to a loop device from an unfinished run', async () => {
    await makeImage();
    const leftover = (await sh`losetup --find --show ${imageFile()}`).stdout.trim();
    box.adopt(leftover);
    await expectKitError(attachHomeImage(box.ctx(small)), new RegExp(`still attached to ${leftover}`), /npm run clean/);
    // sandbox cleanup detaches it
  });

  it('says the disk is full, and leaves no half-made image', async () => {
    const tiny = box.mountPoint();
    await sh`mount -t tmpfs -o size=6M cw-image-test ${tiny}`;
    const ctx = { ...box.ctx(small), stateDir: tiny };
    await expectKitError(attachHomeImage(ctx), /Not enough disk space for a 8 MiB image/, /--home-size/);
    expect(fs.readdirSync(path.join(tiny, 'images')).filter((f) => !f.endsWith('.lock'))).toEqual([]);
  });

  // a --home-size that is not a size: the CLI's parser refuses it (test/unit/args.test.ts)
  it('rejects sizes too small for ext4', async () => {
    await expectKitError(attachHomeImage(box.ctx({ homeSize: 1 * 2 ** 20 })), /too small for an ext4/);
  });
});

// Step 2's student makes, attaches and formats the image; the kit keeps the
// path, the size, the lock and the repairs (claimHomeImage), and the lock is
// released by the lifecycle after teardown (releaseLocksOfRun).
describe("claimHomeImage: the kit's part around the student's commands", () => {
  it('makes nothing, gives the path and size, and holds the lock until the run lets go', async () => {
    const ctx = box.ctx(small);
    const claim = await claimHomeImage(ctx);
    expect(claim).toEqual({ file: path.join(fs.realpathSync(box.stateDir), 'images', 'home.img'), bytes: 8 * 1024 * 1024, mib: 8 });
    expect(fs.existsSync(claim.file)).toBe(false);
    expect(ctx.ledger.entries()).toEqual([]);
    // a second run on the same image at the same time: busy, naming the first
    await expectKitError(claimHomeImage(box.ctx(small)), new RegExp(`busy: run ${ctx.runId}`), /--home-image/);
    releaseLocksOfRun(ctx.runId);
    const again = box.ctx(small);
    await claimHomeImage(again);
    releaseLocksOfRun(again.runId);
  });

  it("removes a blank image a stopped dd left, so that the student's dd makes it again", async () => {
    const ctx = box.ctx(small);
    const file = path.join(box.stateDir, 'images', 'home.img');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.alloc(1024 * 1024));
    await claimHomeImage(ctx);
    expect(fs.existsSync(file)).toBe(false);
    releaseLocksOfRun(ctx.runId);
  });

  it('refuses an image a killed run left attached, and a lock is not needed to say so', async () => {
    const first = box.ctx(small);
    const claim = await claimHomeImage(first);
    await sh`dd if=/dev/zero of=${claim.file} bs=1M count=8 status=none`;
    const device = (await sh`losetup --find --show ${claim.file}`).stdout.trim();
    releaseLocksOfRun(first.runId); // as if the run was killed: the kernel dropped its flock
    try {
      await expectKitError(claimHomeImage(box.ctx(small)), new RegExp(`still attached to ${device}`), /npm run clean/);
    } finally {
      await sh`losetup --detach ${device}`;
    }
  });
});
