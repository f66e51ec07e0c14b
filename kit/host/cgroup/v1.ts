// The cgroup v1 driver, used on v1 and on hybrid machines. On a hybrid
// machine the cgroup2 mount at /sys/fs/cgroup/unified holds no controllers
// (systemd uses it only to track processes): a controller can be attached to
// one hierarchy at a time, and there they are all attached to v1 ones. So
// limits can only be set through the v1 files.
// v1 has one hierarchy per controller (or per group of controllers mounted
// together, like cpu,cpuacct), so one container is one directory in *each*
// hierarchy used, and its process must be written into each of them.

import path from 'node:path';
import type { Ledger } from '../../core/ledger.ts';
import { BaseCgroup, type CgroupInit } from './base.ts';
import { createDirs, mkdirExisting } from './create.ts';
import type { CgroupLayout, V1Hierarchy } from './detect.ts';
import { controllerMissing } from './errors.ts';
import type { CgroupHost } from './host.ts';
import { freezeFor, thawFor, KIT_PARENT } from './tree.ts';
import type { CgroupLimits, CgroupUsage } from './types.ts';

export class V1Cgroup extends BaseCgroup {
  readonly driver = 'v1' as const;

  constructor(
    init: CgroupInit,
    /** controller -> hierarchy, for the hierarchies this cgroup uses */
    private readonly hierarchies: Record<string, V1Hierarchy>,
    /** the directory it is below on each hierarchy (KIT_PARENT, or '' for the root) */
    private readonly parent: string = KIT_PARENT,
  ) {
    super(init);
  }

  dirFor(controller: string): string {
    const h = this.hierarchies[controller];
    if (!h) throw controllerMissing(controller, { kind: 'v1', root: path.dirname(this.paths[0]) });
    return path.join(h.mountPoint, this.parent, this.name);
  }

  procPath(controller: string): string {
    const h = this.hierarchies[controller];
    return path.posix.join(h?.root ?? '/', this.parent, this.name);
  }

  forbidSwap(): void {
    // memsw limits memory+swap together, and may not be below limit_in_bytes
    if (this.host.exists(path.join(this.dirFor('memory'), 'memory.memsw.limit_in_bytes'))) {
      this.write('memory', 'memory.memsw.limit_in_bytes', this.read('memory', 'memory.limit_in_bytes'));
    }
  }

  usage(): CgroupUsage {
    const oom = this.readKeyed('memory', 'memory.oom_control');
    return {
      // cpuacct counts nanoseconds
      cpuUsec: Math.round((this.readNumber('cpuacct', 'cpuacct.usage') ?? 0) / 1000),
      memoryPeakBytes: this.readNumber('memory', 'memory.max_usage_in_bytes'),
      // the oom_kill line appeared in Linux 4.13
      oomKills: oom.oom_kill ?? 0,
    };
  }

  private get freezer() {
    if (!this.hierarchies.freezer) throw controllerMissing('freezer', { kind: 'v1', root: path.dirname(this.paths[0]) });
    return { file: path.join(this.dirFor('freezer'), 'freezer.state'), v2: false };
  }

  async freeze(): Promise<void> {
    await freezeFor(this.host, this.freezer, 5000);
  }

  async thaw(): Promise<void> {
    thawFor(this.host, this.freezer);
  }
}

/**
 * Controllers the v1 driver needs: cpuacct for CPU time; and if mounted,
 * freezer (race-free kills, pausing) and blkio (an I/O limit set later).
 */
export function v1Controllers(limits: CgroupLimits): { required: string[]; optional: string[] } {
  return { required: ['memory', 'cpu', 'cpuacct', 'pids', ...(limits.ioBps ? ['blkio'] : [])], optional: ['freezer', 'blkio'] };
}

export function createV1(
  host: CgroupHost,
  layout: CgroupLayout,
  ledger: Ledger,
  name: string,
  limits: CgroupLimits,
  parent = KIT_PARENT,
): V1Cgroup {
  const { required, optional } = v1Controllers(limits);
  const used: Record<string, V1Hierarchy> = {};
  for (const c of required) {
    const h = layout.v1[c];
    if (!h) throw controllerMissing(c, { kind: 'v1', root: layout.root });
    used[c] = h;
  }
  for (const c of optional) if (layout.v1[c]) used[c] = layout.v1[c];
  // one directory per hierarchy (cpu and cpuacct are often mounted together)
  const mounts = [...new Set(Object.values(used).map((h) => h.mountPoint))];
  const dirs = mounts.map((m) => path.join(m, parent, name));
  const cpusetMounts = new Set(
    Object.values(used)
      .filter((h) => h.controllers.includes('cpuset'))
      .map((h) => h.mountPoint),
  );
  const ledgerId = createDirs(host, ledger, dirs, () => {
    for (const m of mounts) {
      if (!parent) continue; // the hierarchy's root: there already
      mkdirExisting(host, path.join(m, parent));
      if (cpusetMounts.has(m)) inheritCpuset(host, path.join(m, parent));
    }
  });
  for (const m of cpusetMounts) inheritCpuset(host, path.join(m, parent, name));
  return new V1Cgroup(
    { host, ledger, ledgerId, name, layout: layout.kind, paths: dirs, controllers: Object.keys(used), limits },
    used,
    parent,
  );
}

/**
 * A v1 cpuset cgroup starts with empty cpuset.cpus and cpuset.mems, and a
 * process cannot join it until both are set (ENOSPC): copy the parent's.
 */
function inheritCpuset(host: CgroupHost, dir: string): void {
  for (const f of ['cpuset.cpus', 'cpuset.mems']) {
    const file = path.join(dir, f);
    if (host.read(file).trim() === '') host.write(file, host.read(path.join(path.dirname(dir), f)));
  }
}
