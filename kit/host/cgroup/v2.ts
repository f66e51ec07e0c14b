// The cgroup v2 (unified) driver: one hierarchy, one directory per cgroup.
// Two v2 rules shape it:
//  - a controller is usable in a cgroup only if its parent lists it in
//    cgroup.subtree_control (and so on up to the root), so the kit enables
//    memory, cpu and pids on the root and on its own parent directory;
//  - "no internal processes": a cgroup (other than the root) that hands
//    controllers down to children may not hold processes itself. The kit's
//    parent directory therefore never holds a process; containers live in
//    leaf cgroups below it: /sys/fs/cgroup/container-workshop/<name>.

import path from 'node:path';
import type { Ledger } from '../../core/ledger.ts';
import { BaseCgroup, type CgroupInit } from './base.ts';
import { createDirs, mkdirExisting } from './create.ts';
import type { CgroupLayout } from './detect.ts';
import { controllerMissing, notDelegated } from './errors.ts';
import type { CgroupHost } from './host.ts';
import { freezeFor, thawFor, KIT_PARENT } from './tree.ts';
import type { CgroupLimits, CgroupUsage } from './types.ts';

export class V2Cgroup extends BaseCgroup {
  readonly driver = 'v2' as const;

  constructor(
    init: CgroupInit,
    /** the cgroup2 mount point */
    private readonly root: string,
  ) {
    super(init);
  }

  dirFor(): string {
    return this.paths[0];
  }

  procPath(): string {
    return `/${path.relative(this.root, this.paths[0])}`;
  }

  forbidSwap(): void {
    if (this.host.exists(path.join(this.paths[0], 'memory.swap.max'))) this.write('memory', 'memory.swap.max', '0');
  }

  usage(): CgroupUsage {
    const cpu = this.readKeyed('cpu', 'cpu.stat');
    const events = this.readKeyed('memory', 'memory.events');
    return {
      cpuUsec: cpu.usage_usec ?? 0,
      // memory.peak appeared in Linux 5.19
      memoryPeakBytes: this.readNumber('memory', 'memory.peak'),
      oomKills: events.oom_kill ?? 0,
    };
  }

  private get freezer() {
    return { file: path.join(this.paths[0], 'cgroup.freeze'), v2: true };
  }

  async freeze(): Promise<void> {
    await freezeFor(this.host, this.freezer, 5000);
  }

  async thaw(): Promise<void> {
    thawFor(this.host, this.freezer);
  }
}

/** Controllers the v2 driver enables (cpu.stat's usage_usec works without cpu, but cpu.max and cpu.weight do not). */
export function v2Controllers(limits: CgroupLimits): string[] {
  return ['cpu', 'memory', 'pids', ...(limits.ioBps ? ['io'] : [])];
}

export function createV2(
  host: CgroupHost,
  layout: CgroupLayout,
  ledger: Ledger,
  name: string,
  limits: CgroupLimits,
  parentName = KIT_PARENT,
): V2Cgroup {
  const root = layout.unified ?? layout.root;
  const controllers = v2Controllers(limits);
  const parent = path.join(root, parentName);
  const dir = path.join(parent, name);
  const ledgerId = createDirs(host, ledger, [dir], () => {
    const available = words(host.read(path.join(root, 'cgroup.controllers')));
    for (const c of controllers) if (!available.includes(c)) throw controllerMissing(c, { kind: 'v2', root });
    enableControllers(host, root, controllers);
    if (parent === root) return; // at the root: nothing more to hand down
    mkdirExisting(host, parent);
    enableControllers(host, parent, controllers);
    // io as well when the root already hands it down, so that an I/O limit can be set later
    if (!controllers.includes('io') && words(host.read(path.join(root, 'cgroup.subtree_control'))).includes('io')) {
      try {
        enableControllers(host, parent, ['io']);
      } catch {
        // optional
      }
    }
  });
  return new V2Cgroup({ host, ledger, ledgerId, name, layout: layout.kind, paths: [dir], controllers, limits }, root);
}

/** Write +controller to cgroup.subtree_control for each one not enabled yet. */
export function enableControllers(host: CgroupHost, dir: string, controllers: string[]): void {
  const file = path.join(dir, 'cgroup.subtree_control');
  const enabled = words(host.read(file));
  for (const c of controllers) {
    if (enabled.includes(c)) continue;
    try {
      host.write(file, `+${c}`);
    } catch (err) {
      throw notDelegated(c, dir, err);
    }
  }
}

const words = (s: string) => s.split(/\s+/).filter(Boolean);
