// The facts a run's steps leave in ctx.facts, with their types: which step
// sets each one, and what it holds. Later steps read them with
// `need(ctx, 'home')` (or `ctx.facts.home`, undefined until it is set), the
// kit's functions and the checks read them typed. Adding a fact: add it here,
// next to the step that keeps it.

import type { UsernsOptions } from './userns.ts';
import type { RunCgroup } from './cgroup/extras.ts';
import type { CgroupUsage } from './cgroup/types.ts';
import type { NetFacts } from './net/setup.ts';

/** What step 2 keeps about /home for the rest of the run (ctx.facts.home). */
export interface HomeFacts {
  /** the image file */
  file: string;
  /** the loop device it is attached to, /dev/loopN */
  device: string;
  /** the loop device's entry in the run's ledger */
  entry: number;
}

/** What step 4 keeps about the run's cgroup (ctx.facts.cgroup): version and per-controller directory, and */
export interface CgroupFacts extends RunCgroup {
  /** every directory made, one per hierarchy (one on v2) */
  paths: string[];
  /** their entry in the run's ledger */
  entry: number;
}

declare module '../core/types.ts' {
  interface RunFacts {
    /** step 1: the container's hostname */
    hostname?: string;
    /** step 2: the root filesystem's folder on the host (ensureRootfs()) */
    rootfs?: string;
    /** step 2: the /home image and its loop device */
    home?: HomeFacts;
    /** step 3: the run's names, subnet and addresses (allocateNetwork sets it, connect/disconnect add to it) */
    net?: NetFacts;
    /** step 4: the run's cgroup */
    cgroup?: CgroupFacts;
    /** step 4: what the container used, read in teardown before the cgroup goes */
    usage?: CgroupUsage;
    /** step 4 extra (the kit's): the --pause-after timers, cancelled in teardown */
    pauseTimers?: NodeJS.Timeout[];
    /** step 6: the host ids the user namespace maps to */
    userns?: UsernsOptions;
  }
}
