// How each kind of host resource in the ledger is removed. The kinds owned by
// a module (loop devices, veths, cgroups...) come from that module.

import fs from 'node:fs';
import type { Reclaimer, ResourceKind } from '../core/ledger.ts';
import { readMountinfo } from './mountinfo.ts';
import { processStartTime } from './proc.ts';

const reclaimProcess: Reclaimer = async (e) => {
  if (e.kind !== 'process') return;
  // only the process we started: same pid *and* same start time
  if (e.startTime === undefined || processStartTime(e.pid) !== e.startTime) return;
  try {
    process.kill(e.pid, 'SIGKILL');
  } catch {
    // gone in the meantime
  }
};

const reclaimMount: Reclaimer = async (e) => {
  if (e.kind !== 'mount') return;
  const mounted = readMountinfo().some((m) => m.mountPoint === e.target);
  if (!mounted) return;
  const { $ } = await import('../core/shell.ts'); // the kit's one runner; zx itself loads on first use
  await $({ quiet: true, nothrow: true })`umount -l ${e.target}`;
};

const reclaimPath: Reclaimer = async (e) => {
  if (e.kind !== 'path') return;
  fs.rmSync(e.path, { recursive: true, force: true });
};

const reclaimHostname: Reclaimer = async (e) => {
  if (e.kind !== 'hostname') return;
  fs.writeFileSync('/proc/sys/kernel/hostname', e.value);
};

type Table = Partial<Record<ResourceKind, Reclaimer>>;

/** A module's reclaimer, imported only when a resource of its kind is reclaimed. */
const lazy =
  (kind: ResourceKind, load: () => Promise<{ reclaimers: Table }>): Reclaimer =>
  async (e) => {
    const reclaim = (await load()).reclaimers[kind];
    if (!reclaim) throw new Error(`no reclaimer for ${kind}`);
    await reclaim(e);
  };

export const reclaimers: Table = {
  process: reclaimProcess,
  mount: reclaimMount,
  path: reclaimPath,
  hostname: reclaimHostname,
  loop: lazy('loop', () => import('./image/index.ts')),
  veth: lazy('veth', () => import('./net/reclaim.ts')),
  netns: lazy('netns', () => import('./net/reclaim.ts')),
  cgroup: lazy('cgroup', () => import('./cgroup/index.ts')),
  lxc: lazy('lxc', () => import('./lxc/lxc.ts')),
};
