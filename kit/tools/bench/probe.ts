// Where did a run really happen? While sysbench runs, the host reads its
// namespace links, its cgroup and the filesystem of its working directory from
// /proc/PID. These are facts the kernel keeps, not what the process says about
// itself, so the check can compare them with the host's.

import fs from 'node:fs';
import { parseMountinfo, type MountinfoEntry } from '../../host/mountinfo.ts';
import { namespaceId } from '../../host/proc.ts';
import { cgroupLimitsOf, type SeenCgroupLimits } from '../../host/cgroup/inspect.ts';

export const NAMESPACES = ['pid', 'mnt', 'net', 'uts', 'ipc', 'cgroup', 'user'] as const;
export type NamespaceName = (typeof NAMESPACES)[number];
/** e.g. { pid: 'pid:[4026532180]', ... } */
export type NamespaceIds = Partial<Record<NamespaceName, string>>;

/** The filesystem a process's working directory is on, as its own mount table shows it. */
export interface FsIdentity {
  /** 'major:minor' of st_dev, e.g. '7:3' for /dev/loop3 */
  dev: string;
  fstype?: string;
  /** mount source, e.g. '/dev/loop3' */
  source?: string;
  /** mount point inside the process's mount namespace, e.g. '/home' */
  mountPoint?: string;
}

export interface ProcessProbe {
  /** host pid of the process that was inspected */
  pid: number;
  comm: string;
  /** its command line, from /proc/PID/cmdline */
  cmdline: string[];
  ns: NamespaceIds;
  /** /proc/PID/cgroup as read from the host */
  cgroup: string;
  /** the limits of those cgroups at that moment */
  limits?: SeenCgroupLimits;
  cwd?: FsIdentity;
}

/** glibc's dev_t encoding (what stat() returns): 12-bit major, 20-bit minor, split. */
export function splitDev(dev: number | bigint): { major: number; minor: number } {
  const d = BigInt(dev);
  const major = Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn));
  const minor = Number((d & 0xffn) | ((d >> 12n) & ~0xffn));
  return { major, minor };
}

// the kit's mountinfo parser, re-exported for this folder's users
export { parseMountinfo };

/**
 * The mount holding `cwdInside` among those of device `dev`: bind mounts can
 * show one device several times, the longest mount point that prefixes the
 * path wins.
 */
export function mountFor(mounts: MountinfoEntry[], dev: string, cwdInside?: string): MountinfoEntry | undefined {
  const same = mounts.filter((m) => m.majorMinor === dev);
  if (!cwdInside) return same.at(-1);
  const under = same.filter((m) => m.mountPoint === '/' || cwdInside === m.mountPoint || cwdInside.startsWith(`${m.mountPoint}/`));
  under.sort((a, b) => b.mountPoint.length - a.mountPoint.length);
  return under[0] ?? same.at(-1);
}

/** Read everything about `pid` now; undefined if it is gone already. */
export function probeProcess(pid: number, cwdInside?: string): ProcessProbe | undefined {
  try {
    const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    const ns: NamespaceIds = {};
    for (const n of NAMESPACES) {
      const id = namespaceId(pid, n);
      if (id) ns[n] = id;
    }
    const cgroup = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    const cmdline = fs
      .readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((a, i, all) => a !== '' || i < all.length - 1);
    const probe: ProcessProbe = { pid, comm, cmdline, ns, cgroup };
    const limits = cgroupLimitsOf(pid);
    if (limits) probe.limits = limits;
    try {
      const { major, minor } = splitDev(fs.statSync(`/proc/${pid}/cwd`, { bigint: true }).dev);
      const dev = `${major}:${minor}`;
      const m = mountFor(parseMountinfo(fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8')), dev, cwdInside);
      probe.cwd = { dev, ...(m ? { fstype: m.fstype, source: m.source, mountPoint: m.mountPoint } : {}) };
    } catch {
      // cwd unreadable (process exiting): the rest is still worth keeping
    }
    return probe;
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
      for (const c of text.split(' ')) if (c.trim()) out.push(Number(c));
    }
  } catch {
    // gone
  }
  return out;
}

function commOf(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** `root` itself or its nearest descendant whose command name is `comm`. */
export function findDescendant(root: number, comm: string): number | undefined {
  const queue = [root];
  const seen = new Set<number>();
  while (queue.length) {
    const pid = queue.shift() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    if (commOf(pid) === comm) return pid;
    queue.push(...childrenOf(pid));
  }
  return undefined;
}

export interface ProbeWatch {
  /** resolves with the probe once found, or undefined when stopped first */
  readonly result: Promise<ProcessProbe | undefined>;
  stop(): void;
}

/**
 * Look for `comm` under `root` every few milliseconds until found, then stop.
 * A container takes a while to exec its command and a short run may last
 * only a tenth of a second, so the polling must be brisk; it is a handful of
 * small /proc reads, and it stops for good once the process is seen.
 */
export function watchFor(root: number | (() => number | undefined), comm: string, cwdInside?: string, everyMs = 5): ProbeWatch {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let resolve!: (p: ProcessProbe | undefined) => void;
  const result = new Promise<ProcessProbe | undefined>((r) => (resolve = r));
  const tick = () => {
    if (stopped) return;
    const rootPid = typeof root === 'number' ? root : root();
    const pid = rootPid === undefined ? undefined : findDescendant(rootPid, comm);
    const probe = pid === undefined ? undefined : probeProcess(pid, cwdInside);
    // an exiting process has no command line and no namespace links left: not a sighting
    if (probe && probe.comm === comm && probe.cmdline.length > 0 && probe.ns.pid !== undefined) {
      stopped = true;
      resolve(probe);
      return;
    }
    timer = setTimeout(tick, everyMs);
  };
  timer = setTimeout(tick, 0);
  return {
    result,
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      resolve(undefined);
    },
  };
}
