// Emptying and removing cgroup directories. Shared by both drivers and by the
// reclaimer, which knows only the paths a (possibly killed) run recorded.

import path from 'node:path';
import { stillBusy } from './errors.ts';
import { errnoCode, type CgroupHost } from './host.ts';

/** Every cgroup the kit creates lives below this directory of each hierarchy. */
export const KIT_PARENT = 'container-workshop';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pids in a cgroup (its cgroup.procs); [] when it is gone. */
export function readProcs(host: CgroupHost, dir: string): number[] {
  try {
    return host.read(path.join(dir, 'cgroup.procs')).split('\n').filter(Boolean).map(Number);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
}

export function procsOf(host: CgroupHost, dirs: readonly string[]): number[] {
  return [...new Set(dirs.flatMap((d) => readProcs(host, d)))].sort((a, b) => a - b);
}

/**
 * SIGKILL everything in the cgroup(s) and wait until they are empty.
 * Killing pid by pid races with fork(): a child born after we read
 * cgroup.procs survives the round. So v2 uses cgroup.kill (Linux 5.14+),
 * which the kernel applies atomically; otherwise the cgroup is frozen first
 * (no one can fork while frozen), killed, and thawed so the kills land.
 */
export async function killTree(host: CgroupHost, dirs: readonly string[], timeoutMs = 5000): Promise<void> {
  if (procsOf(host, dirs).length === 0) return;
  const killFile = dirs.map((d) => path.join(d, 'cgroup.kill')).find((f) => host.exists(f));
  if (killFile) {
    trySilently(() => host.write(killFile, '1'));
  } else {
    const freezer = freezerOf(host, dirs);
    const frozen = freezer ? await freezeFor(host, freezer, 1000).catch(() => false) : false;
    killPids(host, procsOf(host, dirs));
    if (freezer) thawFor(host, freezer);
    if (!frozen) killPids(host, procsOf(host, dirs));
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = procsOf(host, dirs);
    if (left.length === 0) return;
    if (Date.now() > deadline) throw stillBusy(dirs[0], left);
    killPids(host, left);
    await sleep(10);
  }
}

/** rmdir, waiting a little on EBUSY (a killed process may still be on its way out). */
export async function removeDir(host: CgroupHost, dir: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      host.rmdir(dir);
      return;
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || Date.now() > deadline) throw err;
    }
    await sleep(10);
  }
}

/** Remove the kit's parent directory once the last run under it is gone (another run may still use it: then it stays). */
export function removeParentIfUnused(host: CgroupHost, dir: string): void {
  const parent = path.dirname(dir);
  if (path.basename(parent) !== KIT_PARENT) return;
  try {
    host.rmdir(parent);
  } catch {
    // EBUSY/ENOTEMPTY: in use by a concurrent run; ENOENT: already gone
  }
}

/** Every cgroup below `dir` (a step may nest its own), parents before children. */
function descendants(host: CgroupHost, dir: string): string[] {
  let names: string[];
  try {
    names = host.subdirs(dir);
  } catch {
    return []; // gone meanwhile
  }
  return names.flatMap((n) => [path.join(dir, n), ...descendants(host, path.join(dir, n))]);
}

/**
 * Kill everything inside (nested cgroups too), rmdir every directory,
 * children first, then the kit parent if unused. Idempotent.
 */
export async function destroyTree(host: CgroupHost, dirs: readonly string[]): Promise<void> {
  const present = dirs.filter((d) => host.exists(d));
  if (present.length === 0) return;
  const all = present.flatMap((d) => [d, ...descendants(host, d)]);
  await killTree(host, all);
  for (const d of [...all].reverse()) await removeDir(host, d);
  for (const d of present) removeParentIfUnused(host, d);
}

function killPids(host: CgroupHost, pids: number[]): void {
  for (const pid of pids) trySilently(() => host.kill(pid, 'SIGKILL'));
}

/** The freezer of a v1 tree (freezer.state) or of v2 (cgroup.freeze), if any. */
function freezerOf(host: CgroupHost, dirs: readonly string[]): { file: string; v2: boolean } | undefined {
  for (const d of dirs) {
    if (host.exists(path.join(d, 'cgroup.freeze'))) return { file: path.join(d, 'cgroup.freeze'), v2: true };
    if (host.exists(path.join(d, 'freezer.state'))) return { file: path.join(d, 'freezer.state'), v2: false };
  }
  return undefined;
}

/** Freeze and wait until frozen; false if it did not settle in time (e.g. a task in D state). */
export async function freezeFor(host: CgroupHost, f: { file: string; v2: boolean }, timeoutMs: number): Promise<boolean> {
  host.write(f.file, f.v2 ? '1' : 'FROZEN');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (isFrozen(host, f)) return true;
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
}

export function thawFor(host: CgroupHost, f: { file: string; v2: boolean }): void {
  trySilently(() => host.write(f.file, f.v2 ? '0' : 'THAWED'));
}

function isFrozen(host: CgroupHost, f: { file: string; v2: boolean }): boolean {
  // v1 goes FREEZING -> FROZEN; v2 reports "frozen 1" in cgroup.events
  if (!f.v2) return host.read(f.file).trim() === 'FROZEN';
  return /^frozen 1$/m.test(host.read(path.join(path.dirname(f.file), 'cgroup.events')));
}

function trySilently(fn: () => void): void {
  try {
    fn();
  } catch {
    // the process or cgroup is already gone
  }
}
