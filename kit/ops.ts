// Child operations: the syscalls the container's first process makes between
// clone() and execve(). Each builder is named after its syscall and takes the
// arguments in the man page's order, so a step reads like the C it stands for.
// The C shim (native/shim.c) only executes the list; every decision is here.

import { callerLocation, type SourceLocation } from './origin.ts';

export type MountFlagName =
  | 'MS_RDONLY' | 'MS_NOSUID' | 'MS_NODEV' | 'MS_NOEXEC' | 'MS_REMOUNT' | 'MS_BIND'
  | 'MS_REC' | 'MS_PRIVATE' | 'MS_SLAVE' | 'MS_SHARED' | 'MS_UNBINDABLE' | 'MS_MOVE'
  | 'MS_NOATIME' | 'MS_RELATIME' | 'MS_STRICTATIME';
export type UmountFlagName = 'MNT_DETACH' | 'MNT_FORCE' | 'MNT_EXPIRE' | 'UMOUNT_NOFOLLOW';
export type FileTypeName = 'S_IFCHR' | 'S_IFBLK' | 'S_IFIFO' | 'S_IFREG';

interface OpBase {
  /** where the step built this op, for error messages */
  origin?: SourceLocation;
}

export type ChildOp = OpBase & (
  | { op: 'sethostname'; name: string }
  | { op: 'setdomainname'; name: string }
  | { op: 'mount'; source: string | null; target: string; fstype: string | null; flags: MountFlagName[]; data: string | null }
  | { op: 'umount2'; target: string; flags: UmountFlagName[] }
  | { op: 'pivot_root'; newRoot: string; putOld: string }
  | { op: 'chroot'; path: string }
  | { op: 'chdir'; path: string }
  | { op: 'mkdir'; path: string; mode: number }
  | { op: 'rmdir'; path: string }
  | { op: 'mknod'; path: string; type: FileTypeName; mode: number; major: number; minor: number }
  | { op: 'symlink'; target: string; linkpath: string }
  | { op: 'write_file'; path: string; content: string }
);

export type OpName = ChildOp['op'];

const at = (): { origin?: SourceLocation } => {
  const origin = callerLocation();
  return origin ? { origin } : {};
};

/** sethostname(2): needs CLONE_NEWUTS, or it renames the host. */
export const sethostname = (name: string): ChildOp => ({ op: 'sethostname', name, ...at() });

export const setdomainname = (name: string): ChildOp => ({ op: 'setdomainname', name, ...at() });

/** mount(2): mount(source, target, filesystemtype, mountflags, data) */
export const mount = (
  source: string | null,
  target: string,
  fstype: string | null,
  flags: MountFlagName[] = [],
  data: string | null = null,
): ChildOp => ({ op: 'mount', source, target, fstype, flags, data, ...at() });

/** umount2(2) */
export const umount2 = (target: string, flags: UmountFlagName[] = []): ChildOp => ({ op: 'umount2', target, flags, ...at() });

/** pivot_root(2): new_root must be a mount point; put_old must be under it. */
export const pivot_root = (newRoot: string, putOld: string): ChildOp => ({ op: 'pivot_root', newRoot, putOld, ...at() });

export const chroot = (path: string): ChildOp => ({ op: 'chroot', path, ...at() });
export const chdir = (path: string): ChildOp => ({ op: 'chdir', path, ...at() });

/** mkdir(2); an existing directory is not an error (so steps can be re-run). */
export const mkdir = (path: string, mode = 0o755): ChildOp => ({ op: 'mkdir', path, mode, ...at() });
export const rmdir = (path: string): ChildOp => ({ op: 'rmdir', path, ...at() });

/** mknod(2) of a device node: mknod(path, type | mode, makedev(major, minor)) */
export const mknod = (path: string, type: FileTypeName, mode: number, major = 0, minor = 0): ChildOp =>
  ({ op: 'mknod', path, type, mode, major, minor, ...at() });

/** symlink(2): symlink(target, linkpath) */
export const symlink = (target: string, linkpath: string): ChildOp => ({ op: 'symlink', target, linkpath, ...at() });

/** open(path, O_WRONLY|O_CREAT|O_TRUNC) + write(2): for /proc and /sys files. */
export const write_file = (path: string, content: string): ChildOp => ({ op: 'write_file', path, content, ...at() });

/** One line a person can read: `mount("proc", "/proc", "proc", 0, NULL)`. */
export function describeOp(op: ChildOp): string {
  const q = (s: string | null) => (s === null ? 'NULL' : JSON.stringify(s));
  const f = (flags: string[]) => (flags.length ? flags.join(' | ') : '0');
  switch (op.op) {
    case 'sethostname':
    case 'setdomainname':
      return `${op.op}(${q(op.name)})`;
    case 'mount':
      return `mount(${q(op.source)}, ${q(op.target)}, ${q(op.fstype)}, ${f(op.flags)}, ${q(op.data)})`;
    case 'umount2':
      return `umount2(${q(op.target)}, ${f(op.flags)})`;
    case 'pivot_root':
      return `pivot_root(${q(op.newRoot)}, ${q(op.putOld)})`;
    case 'chroot':
    case 'chdir':
    case 'rmdir':
      return `${op.op}(${q(op.path)})`;
    case 'mkdir':
      return `mkdir(${q(op.path)}, 0${op.mode.toString(8)})`;
    case 'mknod':
      return `mknod(${q(op.path)}, ${op.type} | 0${op.mode.toString(8)}, makedev(${op.major}, ${op.minor}))`;
    case 'symlink':
      return `symlink(${q(op.target)}, ${q(op.linkpath)})`;
    case 'write_file':
      return `write(${q(op.path)}, ${q(op.content)})`;
  }
}
