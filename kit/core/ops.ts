// Child operations: the syscalls the container's first process makes between
// clone() and execve(). Each builder is named after its syscall and takes the
// arguments in the man page's order, so a step reads like the C it stands for.
// The C shim (native/shim.c) only executes the list; every decision is here.

import type { CapName } from './caps.ts';
import { callerLocation, type SourceLocation } from './origin.ts';

export type MountFlagName =
  | 'MS_RDONLY'
  | 'MS_NOSUID'
  | 'MS_NODEV'
  | 'MS_NOEXEC'
  | 'MS_REMOUNT'
  | 'MS_BIND'
  | 'MS_REC'
  | 'MS_PRIVATE'
  | 'MS_SLAVE'
  | 'MS_SHARED'
  | 'MS_UNBINDABLE'
  | 'MS_MOVE'
  | 'MS_NOATIME'
  | 'MS_RELATIME'
  | 'MS_STRICTATIME';
export type UmountFlagName = 'MNT_DETACH' | 'MNT_FORCE' | 'MNT_EXPIRE' | 'UMOUNT_NOFOLLOW';
export type FileTypeName = 'S_IFCHR' | 'S_IFBLK' | 'S_IFIFO' | 'S_IFREG';
/** prctl(2) options the hardening step uses. */
export type PrctlOption = 'PR_CAPBSET_DROP' | 'PR_CAP_AMBIENT' | 'PR_SET_NO_NEW_PRIVS' | 'PR_SET_KEEPCAPS' | 'PR_SET_DUMPABLE';
/** prctl(2) argument constants, by name, for PR_CAP_AMBIENT. */
export type PrctlArgName = 'PR_CAP_AMBIENT_CLEAR_ALL';
/** One classic BPF instruction (struct sock_filter). */
export interface SockFilter {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

interface OpBase {
  /** where the step built this op, for error messages */
  origin?: SourceLocation;
}

export type CloneFlagName =
  | 'CLONE_NEWPID'
  | 'CLONE_NEWNS'
  | 'CLONE_NEWUTS'
  | 'CLONE_NEWIPC'
  | 'CLONE_NEWNET'
  | 'CLONE_NEWUSER'
  | 'CLONE_NEWCGROUP';
// CLONE_NEWTIME is not here on purpose: its bit lies in clone()'s exit-signal
// byte, so only unshare() and clone3() accept it.

export type ChildOp = OpBase &
  (
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
    // beyond the lab (issue 18): user namespace, hardening, joining a container
    | { op: 'unshare'; flags: CloneFlagName[] }
    | { op: 'wait_for_host'; label: string }
    | { op: 'setgroups'; groups: number[] }
    | { op: 'setresgid'; rgid: number; egid: number; sgid: number }
    | { op: 'setresuid'; ruid: number; euid: number; suid: number }
    | { op: 'chown'; path: string; owner: number; group: number }
    | { op: 'setns'; fd: number; nstype: CloneFlagName }
    | { op: 'fork' }
    | { op: 'prctl'; option: PrctlOption; args: (number | PrctlArgName)[] }
    | { op: 'capset'; effective: CapName[]; permitted: CapName[]; inheritable: CapName[] }
    | { op: 'seccomp'; filter: SockFilter[] }
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
export const mknod = (path: string, type: FileTypeName, mode: number, major = 0, minor = 0): ChildOp => ({
  op: 'mknod',
  path,
  type,
  mode,
  major,
  minor,
  ...at(),
});

/** symlink(2): symlink(target, linkpath) */
export const symlink = (target: string, linkpath: string): ChildOp => ({ op: 'symlink', target, linkpath, ...at() });

/** open(path, O_WRONLY|O_CREAT|O_TRUNC) + write(2): for /proc and /sys files. */
export const write_file = (path: string, content: string): ChildOp => ({ op: 'write_file', path, content, ...at() });

/** unshare(2): move the calling process into new namespaces (e.g. CLONE_NEWUSER). */
export const unshare = (flags: CloneFlagName[]): ChildOp => ({ op: 'unshare', flags, ...at() });

/**
 * Not a syscall: tell the host "I am here" and wait until it answers (a pipe
 * each way). The host runs the steps' `whileChildWaits(ctx, child, label)`
 * hooks meanwhile: writing uid_map is the host's job, and the child must not
 * go on before it is done.
 */
export const wait_for_host = (label: string): ChildOp => ({ op: 'wait_for_host', label, ...at() });

/** setgroups(2): the shim supports only the empty list, setgroups(0, NULL): drop every supplementary group. */
export const setgroups = (groups: [] = []): ChildOp => ({ op: 'setgroups', groups, ...at() });

/** setresgid(2) */
export const setresgid = (rgid: number, egid: number, sgid: number): ChildOp => ({ op: 'setresgid', rgid, egid, sgid, ...at() });

/** setresuid(2) */
export const setresuid = (ruid: number, euid: number, suid: number): ChildOp => ({ op: 'setresuid', ruid, euid, suid, ...at() });

/** chown(2): chown(path, owner, group) */
export const chown = (path: string, owner: number, group: number): ChildOp => ({ op: 'chown', path, owner, group, ...at() });

/** setns(2) on a namespace file the kit opened before the clone (/proc/PID/ns/NAME). */
export const setns = (fd: number, nstype: CloneFlagName): ChildOp => ({ op: 'setns', fd, nstype, ...at() });

/** fork(2), as nsenter --fork: the rest runs in the child (setns(CLONE_NEWPID) only moves children); the parent waits and exits alike. */
export const fork = (): ChildOp => ({ op: 'fork', ...at() });

/** prctl(2): prctl(option, arg2, arg3, arg4, 0); PR_CAP_AMBIENT_CLEAR_ALL may be given by name. */
export const prctl = (option: PrctlOption, ...args: (number | PrctlArgName)[]): ChildOp => ({ op: 'prctl', option, args, ...at() });

/** capset(2) of the calling thread: the effective, permitted and inheritable sets, by name. */
export const capset = (effective: CapName[], permitted: CapName[], inheritable: CapName[]): ChildOp => ({
  op: 'capset',
  effective,
  permitted,
  inheritable,
  ...at(),
});

/** seccomp(SECCOMP_SET_MODE_FILTER, 0, &prog): install a classic BPF filter (needs PR_SET_NO_NEW_PRIVS first, or CAP_SYS_ADMIN). */
export const seccomp = (filter: SockFilter[]): ChildOp => ({ op: 'seccomp', filter, ...at() });

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
    case 'unshare':
      return `unshare(${f(op.flags)})`;
    case 'wait_for_host':
      return `wait for the host (${op.label})`;
    case 'setgroups':
      return `setgroups(${op.groups.length}, ${op.groups.length ? `[${op.groups.join(', ')}]` : 'NULL'})`;
    case 'setresgid':
      return `setresgid(${op.rgid}, ${op.egid}, ${op.sgid})`;
    case 'setresuid':
      return `setresuid(${op.ruid}, ${op.euid}, ${op.suid})`;
    case 'chown':
      return `chown(${q(op.path)}, ${op.owner}, ${op.group})`;
    case 'setns':
      return `setns(${op.fd}, ${op.nstype})`;
    case 'fork':
      return 'fork()';
    case 'prctl':
      return `prctl(${[op.option, ...op.args.map(String)].join(', ')})`;
    case 'capset': {
      const set = (c: CapName[]) => (c.length ? c.join('|') : '0');
      return `capset(effective=${set(op.effective)}, permitted=${set(op.permitted)}, inheritable=${set(op.inheritable)})`;
    }
    case 'seccomp':
      return `seccomp(SECCOMP_SET_MODE_FILTER, 0, {${op.filter.length} BPF instructions})`;
  }
}
