// The whole root filesystem as one ext4 file (mkfs.ext4 -d), read back with
// debugfs so that no mount or loop device is needed to look inside.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { $ } from 'zx';
import { buildRootfsImage, probeImage } from '../../kit/host/image/index.ts';
import { sandbox, type Sandbox } from './image-helpers.ts';

const sh = $({ quiet: true });
let box: Sandbox;

beforeEach(() => {
  box = sandbox();
});

afterEach(async () => {
  await box.cleanup();
});

it('copies a rootfs folder into one ext4 image file', async () => {
  const root = path.join(box.stateDir, 'rootfs');
  fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(root, 'etc'));
  fs.copyFileSync('/bin/busybox', path.join(root, 'bin', 'busybox'));
  for (const applet of ['sh', 'ls', 'cat']) fs.symlinkSync('busybox', path.join(root, 'bin', applet));
  fs.writeFileSync(path.join(root, 'etc', 'marker'), 'rootfs-marker\n');

  const ctx = box.ctx();
  const out = path.join(box.stateDir, 'images', 'rootfs.img');
  const { file, bytes } = await buildRootfsImage(ctx.ledger, root, out);
  expect(file).toBe(out);
  expect(fs.statSync(out).size).toBe(bytes);
  expect(bytes).toBeGreaterThan(fs.statSync('/bin/busybox').size);
  expect((await probeImage(out)).kind).toBe('ext4');
  expect((await sh`debugfs -R ${'cat /etc/marker'} ${out}`).stdout).toBe('rootfs-marker\n');
  expect((await sh`debugfs -R ${'stat /bin/sh'} ${out}`).stdout).toMatch(/Type: symlink/);
  // no temporary file left, nothing left in the ledger
  expect(fs.readdirSync(path.dirname(out))).toEqual(['rootfs.img']);
  expect(ctx.ledger.entries()).toEqual([]);
});
