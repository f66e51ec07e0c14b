// Step 2: a root filesystem of its own (pivot_root), and a /home that lives in
// an ext4 image file on a loop device.
//
// Step 1 already gave the container a mount namespace and made every mount in
// it private, so nothing mounted here reaches the host. Now the container
// swaps its root for the kit's rootfs (state/rootfs) with pivot_root, detaches
// the host's tree so no path leads back to it, and mounts what a Linux system
// expects: /proc, /sys, a small /dev, /tmp, and /home from the image.
// /home is yours from the host's side too: on the host, with zx's $, you make
// the image file, attach it to a loop device and give it a filesystem (the
// first time only), and in teardown you detach it again.
// The theory: site/theory/pivot-root.md and site/theory/loop-devices.md; the task: site/steps/02-mount.md.

import fs from 'node:fs';
import {
  $,
  chdir,
  claimHomeImage,
  ensureRootfs,
  HOME_IMAGE_OPTIONS,
  mkdir,
  mknod,
  mount,
  need,
  pivot_root,
  symlink,
  todo,
  umount2,
  type HomeFacts,
  type StepDefinition,
} from '../kit/student.ts';

/** The character devices a program expects in /dev: name, major, minor (see Documentation/admin-guide/devices.txt). */
const DEVICES: [string, number, number][] = [
  ['null', 1, 3],
  ['zero', 1, 5],
  ['full', 1, 7],
  ['random', 1, 8],
  ['urandom', 1, 9],
  ['tty', 5, 0],
];

const step: StepDefinition = {
  id: 2,
  name: 'mount',
  title: 'Mount namespace: pivot_root into a rootfs, ext4 /home on a loop device',
  page: '/steps/02-mount',
  // --home-size, --home-image, --recreate-image: read by claimHomeImage, declared next to it
  options: HOME_IMAGE_OPTIONS,

  async prepare(ctx) {
    ctx.facts.rootfs = ensureRootfs();
    // The kit's part: where the image lives and how big it is (--home-image,
    // --home-size), this run's lock on it (one container per image), and the
    // repairs that need asking (a damaged or too small image). It makes nothing.
    const image = await claimHomeImage(ctx);

    todo("home-image", "On the host, with $: make the image file of image.mib MiB of zeros if it does not exist yet, attach it to the first free loop device (and learn that device's name), and give it an ext4 filesystem only if it has none yet. Record the loop device in ctx.ledger before you attach it, and keep what teardown and configure need in ctx.facts.home.");
  },

  configure(ctx, spec) {
    const rootfs = need(ctx, 'rootfs');
    const home = need(ctx, 'home');

    todo("bind-rootfs", "pivot_root needs its new root to be a mount point: bind-mount the rootfs folder onto itself (recursively).");

    // The image is mounted while the host's /dev is still in sight, so the
    // container never needs a node for the loop device (with one it could
    // read the raw disk, or mount it elsewhere).
    todo("home", "Mount the loop device (home.device) as ext4 on the rootfs's home folder, before pivot_root, in this mount namespace only.");

    todo("pivot-root", "Go into the rootfs, make it the root with pivot_root(\".\", \".\"), detach the old root stacked on top (umount2 with MNT_DETACH), and chdir to the new /.");

    todo("proc", "Mount a fresh procfs on /proc inside the new root.");

    todo("sys", "Mount sysfs on /sys, read-only.");

    todo("dev", "Mount a small tmpfs on /dev, create the device nodes of DEVICES (mknod, S_IFCHR, mode 0666), a fresh devpts on /dev/pts (newinstance,ptmxmode=0666) with /dev/ptmx pointing into it, a tmpfs on /dev/shm, and the links /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr into /proc/self/fd.");

    todo("tmp", "Mount a tmpfs on /tmp (mode 1777), so the container's temporary files never touch the rootfs.");
  },

  async teardown(ctx) {
    const home = ctx.facts.home;
    if (!home) return;
    // The mount went away with the container's mount namespace (or goes in a
    // moment: then the kernel detaches the device at its last close).
    todo("detach", "Detach the loop device from its image, and take it off the ledger once it is gone.");
  },
};

export default step;
