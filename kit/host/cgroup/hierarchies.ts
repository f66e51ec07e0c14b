// Step 4's facts about the host: where the cgroup hierarchies are mounted and
// which version's files they have. A fact, not an answer: the student makes
// the run's directories in them, writes the limit files, moves the child in,
// reads the usage files, empties and removes the cgroup (solutions/04-cgroups.ts).
//
// The kit prepares one thing the lesson is not about: its own folder
// (KIT_PARENT) in each hierarchy, where every run's cgroup goes, with the
// controllers handed down to it on v2 (cgroup.subtree_control of the root and
// of the folder). The page explains why v2 needs that.

import fs from 'node:fs';
import path from 'node:path';
import { detectLayout, type CgroupLayoutKind } from './detect.ts';
import { controllerMissing } from './errors.ts';
import { mkdirExisting } from './create.ts';
import { realHost } from './host.ts';
import { KIT_PARENT } from './tree.ts';
import { enableControllers } from './v2.ts';

/** The controllers step 4 uses (v1 names; on v2 cpuacct is part of cpu, freezer of the core, blkio is io). */
export type CgroupController = 'memory' | 'cpu' | 'cpuacct' | 'pids' | 'freezer' | 'blkio' | 'io';

export interface CgroupHierarchies {
  /** whose files to use: 'v2' on a unified machine; 'v1' on v1 and hybrid machines (their controllers are all on v1 hierarchies) */
  version: 'v1' | 'v2';
  /** what the machine has: 'v2', 'v1', or 'hybrid' (v1 controllers plus an empty cgroup2 at /sys/fs/cgroup/unified) */
  layout: CgroupLayoutKind;
  /** per controller, where its hierarchy is mounted (v2: the same folder for all; v1: cpu and cpuacct are often mounted together) */
  mountPoints: Partial<Record<CgroupController, string>>;
  /** per controller, the kit's folder in that hierarchy (mountPoint/container-workshop): make the run's cgroup in it */
  parents: Partial<Record<CgroupController, string>>;
}

const REQUIRED_V1: CgroupController[] = ['memory', 'cpu', 'cpuacct', 'pids'];
const OPTIONAL_V1: CgroupController[] = ['freezer', 'blkio'];
const V2: CgroupController[] = ['memory', 'cpu', 'pids'];

/** Where the hierarchies are, with the kit's folder ready in each (see the top of this file). */
export function cgroupHierarchies(root?: string): CgroupHierarchies {
  const layout = detectLayout(realHost, root);
  const mountPoints: Partial<Record<CgroupController, string>> = {};
  const parents: Partial<Record<CgroupController, string>> = {};
  if (layout.kind === 'v2') {
    const mount = layout.unified ?? layout.root;
    const available = fs.readFileSync(path.join(mount, 'cgroup.controllers'), 'utf8').split(/\s+/);
    for (const c of V2) if (!available.includes(c)) throw controllerMissing(c, { kind: 'v2', root: mount });
    const parent = path.join(mount, KIT_PARENT);
    enableControllers(realHost, mount, V2);
    mkdirExisting(realHost, parent);
    enableControllers(realHost, parent, V2);
    if (available.includes('io')) {
      try {
        enableControllers(realHost, mount, ['io']);
        enableControllers(realHost, parent, ['io']);
      } catch {
        // optional: only --io-bps needs it
      }
    }
    for (const c of [...V2, 'cpuacct', 'freezer', 'io'] as CgroupController[]) {
      mountPoints[c] = mount;
      parents[c] = parent;
    }
    return { version: 'v2', layout: layout.kind, mountPoints, parents };
  }
  for (const c of [...REQUIRED_V1, ...OPTIONAL_V1]) {
    const h = layout.v1[c];
    if (!h) {
      if (REQUIRED_V1.includes(c)) throw controllerMissing(c, { kind: 'v1', root: layout.root });
      continue;
    }
    mountPoints[c] = h.mountPoint;
    parents[c] = path.join(h.mountPoint, KIT_PARENT);
    mkdirExisting(realHost, parents[c]);
  }
  return { version: 'v1', layout: layout.kind, mountPoints, parents };
}
