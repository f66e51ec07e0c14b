// What the cgroup driver needs from the machine, behind one small interface so
// that unit tests can run the driver against fixture trees in a temp folder
// (with made-up filesystem magics and mountinfo) instead of /sys/fs/cgroup.

import fs from 'node:fs';

/** statfs(2) f_type values (linux/magic.h) that tell the cgroup layouts apart. */
export const CGROUP2_SUPER_MAGIC = 0x63677270;
export const CGROUP_SUPER_MAGIC = 0x27e0eb;
export const TMPFS_MAGIC = 0x01021994;

export interface CgroupHost {
  /** statfs(path).f_type, or undefined when the path does not exist */
  statfsType(path: string): number | undefined;
  /** the text of /proc/self/mountinfo */
  mountinfo(): string;
  exists(path: string): boolean;
  read(path: string): string;
  /** one write(2) of the whole value: cgroup files act on each write */
  write(path: string, value: string): void;
  /** mkdir(2), not recursive: EEXIST when it exists */
  mkdir(path: string): void;
  /** rmdir(2): on cgroupfs this removes a cgroup, control files and all */
  rmdir(path: string): void;
  /** the names of the child cgroups (subdirectories) of a cgroup directory */
  subdirs(path: string): string[];
  kill(pid: number, signal: NodeJS.Signals): void;
}

export const realHost: CgroupHost = {
  statfsType(path) {
    try {
      return Number(fs.statfsSync(path).type);
    } catch {
      return undefined;
    }
  },
  mountinfo: () => fs.readFileSync('/proc/self/mountinfo', 'utf8'),
  exists: (path) => fs.existsSync(path),
  read: (path) => fs.readFileSync(path, 'utf8'),
  write: (path, value) => fs.writeFileSync(path, value),
  mkdir: (path) => fs.mkdirSync(path),
  rmdir: (path) => fs.rmdirSync(path),
  subdirs: (path) =>
    fs
      .readdirSync(path, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name),
  kill: (pid, signal) => process.kill(pid, signal),
};

export function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}
