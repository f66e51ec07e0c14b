// Disk images and loop devices: the /home of step 2, and the whole rootfs as one file.
// kit/host/reclaim.ts imports this (lazily) for the reclaimer of the ledger kind 'loop'.

import type { Reclaimer, ResourceKind } from '../../core/ledger.ts';
import { reclaimLoop } from './loop.ts';

export {
  attachHomeImage,
  claimHomeImage,
  detachHomeImage,
  describeHomeImage,
  homeImageOptions,
  imagesDir,
  HOME_IMAGE_OPTIONS,
  MIN_HOME_BYTES,
  type HomeImage,
  type HomeImageClaim,
  type HomeImageOptions,
} from './home.ts';
export {
  attachLoop,
  detachLoop,
  loopReclaimedByLedger,
  loopDevicesFor,
  attachedLoopDevices,
  backingFileOf,
  deviceNumbers,
} from './loop.ts';
export { probeImage, fsckImage, makeExt4, readExt4Superblock } from './ext4.ts';
export { createImageFile } from './file.ts';
export { lockImage, imageLockHolder, releaseLocksOfRun } from './lock.ts';
export { buildRootfsImage } from './rootfs-image.ts';

export const reclaimers: Partial<Record<ResourceKind, Reclaimer>> = {
  loop: reclaimLoop,
};
