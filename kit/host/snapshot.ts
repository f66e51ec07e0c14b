// A snapshot of everything on the host a container run could leave behind,
// and the difference between two snapshots. "Nothing leaks" means: the
// snapshot after a run (or after `npm run clean`) equals the one before.
//
// Each category is a sorted list of one-line items, so that a difference is
// readable as it is ("+ loops: /dev/loop3 /work/state/images/home.img").

import fs from 'node:fs';
import path from 'node:path';
import { KIT_PARENT } from './cgroup/tree.ts';
import { added as addedItems } from './namespaces.ts';
import { readMountinfo } from './mountinfo.ts';
import { namespaceId, processStartTime } from './proc.ts';

export interface HostSnapshot {
  /** the host's mount table: "MOUNTPOINT FSTYPE SOURCE" (/proc/self/mountinfo) */
  mounts: string[];
  /** attached loop devices: "/dev/loopN BACKING_FILE" (/sys/block/loop*\/loop/backing_file, what `losetup -a` reads) */
  loops: string[];
  /** interfaces of the host's network namespace (`ip -o link`) */
  links: string[];
  /** named network namespaces (`ip netns list` and /run/netns) */
  netns: string[];
  /** the kit's cgroups on every hierarchy: "HIERARCHY:/PATH" */
  cgroups: string[];
  /** processes in namespaces other than the host's: "PID/START NAMESPACES CMDLINE" */
  processes: string[];
  /** the host's hostname (step 1's classic mistake renames the host) */
  hostname: string[];
  /** files the kit keeps per run in its state folder: ledgers, subnet leases, half-made images */
  state: string[];
}

export type SnapshotCategory = keyof HostSnapshot;

export const CATEGORIES: readonly SnapshotCategory[] = ['mounts', 'loops', 'links', 'netns', 'cgroups', 'processes', 'hostname', 'state'];

export interface SnapshotOptions {
  /** the kit's state folder whose per-run files are listed (default: none) */
  stateDir?: string;
  /** which cgroup directories are the kit's (path relative to the hierarchy's root, e.g. "/cw-1a2b3c") */
  isKitCgroup?: (relPath: string) => boolean;
}

/** The kit's cgroups live below KIT_PARENT on each hierarchy (kit/host/cgroup/tree.ts); "cw-" names are the kit's too. */
export const DEFAULT_KIT_CGROUP = (rel: string): boolean => rel.split('/').some((seg) => seg === KIT_PARENT || /^cw[-_]/.test(seg));

const NAMESPACES = ['pid', 'mnt', 'net', 'uts', 'ipc', 'cgroup'] as const;

export async function takeSnapshot(opts: SnapshotOptions = {}): Promise<HostSnapshot> {
  const { quiet$: q } = await import('../core/shell.ts');
  const [links, netnsList] = await Promise.all([q`ip -o link show`, q`ip netns list`]);
  return {
    mounts: hostMounts(),
    loops: attachedLoops(),
    links: sorted(links.stdout.split('\n').filter(Boolean).map(linkName)),
    netns: sorted([
      ...new Set([
        ...netnsList.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(' ')[0]),
        ...runNetns(),
      ]),
    ]),
    cgroups: kitCgroups(opts.isKitCgroup ?? DEFAULT_KIT_CGROUP),
    processes: foreignNamespaceProcesses(),
    hostname: [fs.readFileSync('/proc/sys/kernel/hostname', 'utf8').trim()],
    state: opts.stateDir ? stateFiles(opts.stateDir) : [],
  };
}

export interface SnapshotDiff {
  category: SnapshotCategory;
  /** in `after` only: something was left behind */
  added: string[];
  /** in `before` only: something of the host's was removed or changed */
  removed: string[];
}

/** The categories that differ (multiset difference, so duplicates count). */
export function diffSnapshots(before: HostSnapshot, after: HostSnapshot): SnapshotDiff[] {
  const out: SnapshotDiff[] = [];
  for (const category of CATEGORIES) {
    const added = addedItems(before[category], after[category]);
    const removed = addedItems(after[category], before[category]);
    if (added.length || removed.length) out.push({ category, added, removed });
  }
  return out;
}

/** Every differing item as "+ category: item" / "- category: item". */
export function formatDiff(diff: SnapshotDiff[]): string[] {
  return diff.flatMap((d) => [...d.added.map((i) => `+ ${d.category}: ${i}`), ...d.removed.map((i) => `- ${d.category}: ${i}`)]);
}

const sorted = (xs: string[]): string[] => [...xs].sort();

function hostMounts(): string[] {
  return sorted(readMountinfo().map((m) => `${m.mountPoint} ${m.fstype} ${m.source}`));
}

function attachedLoops(): string[] {
  const out: string[] = [];
  for (const dev of fs.readdirSync('/sys/block').filter((d) => d.startsWith('loop'))) {
    try {
      out.push(`/dev/${dev} ${fs.readFileSync(`/sys/block/${dev}/loop/backing_file`, 'utf8').trim()}`);
    } catch {
      // not attached: the loop/ folder or its backing_file is absent
    }
  }
  return sorted(out);
}

/** "3: cw1a2b3ch@if2: <...>" -> "cw1a2b3ch" (the peer index changes, the name is what leaks). */
function linkName(line: string): string {
  return (line.split(': ')[1] ?? line).split('@')[0];
}

function runNetns(): string[] {
  try {
    return fs.readdirSync('/run/netns');
  } catch {
    return [];
  }
}

/** Mount points of every cgroup hierarchy, v1 and v2, from our mountinfo. */
export function cgroupHierarchies(): string[] {
  return readMountinfo()
    .filter((m) => m.fstype === 'cgroup' || m.fstype === 'cgroup2')
    .map((m) => m.mountPoint);
}

function kitCgroups(isKit: (rel: string) => boolean): string[] {
  const out: string[] = [];
  for (const root of cgroupHierarchies()) {
    const walk = (dir: string, rel: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return; // removed while we looked
      }
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        const r = `${rel}/${e.name}`;
        if (isKit(r)) out.push(`${root}:${r}`);
        walk(path.join(dir, e.name), r);
      }
    };
    walk(root, '');
  }
  return sorted(out);
}

/** Processes whose namespaces are not all ours: containers (ours or anybody's). */
function foreignNamespaceProcesses(): string[] {
  const host = NAMESPACES.map((ns) => namespaceId('self', ns));
  const out: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const ids = NAMESPACES.map((ns) => namespaceId(pid, ns));
    if (ids.some((id) => id === undefined)) continue; // gone, or a kernel thread we cannot read
    const differing = NAMESPACES.filter((_, i) => ids[i] !== host[i]);
    if (differing.length === 0) continue;
    let cmdline = '';
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {
      continue;
    }
    out.push(`${pid}/${processStartTime(pid) ?? '?'} ${differing.join(',')} ${cmdline}`);
  }
  return sorted(out);
}

/** State subfolders that hold per-run files. */
const PER_RUN_STATE = ['runs', 'net', 'images', 'cgroup'];

/**
 * Files in the state folder that belong to one run: ledgers (runs/), subnet
 * leases (net/), half-made images ("images/home.img.new-RUNID"), and a rootfs
 * build that was killed (rootfs.tmp-PID). Not the rootfs itself (built once,
 * shared) nor the images and their lock files (they persist on purpose).
 */
function stateFiles(stateDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else if (!(rel === 'images' && /\.(img|lock)$/.test(e.name))) out.push(r);
    }
  };
  for (const sub of PER_RUN_STATE) walk(path.join(stateDir, sub), sub);
  for (const name of fs.existsSync(stateDir) ? fs.readdirSync(stateDir) : []) if (/^rootfs\.tmp-\d+$/.test(name)) out.push(name);
  return sorted(out);
}
