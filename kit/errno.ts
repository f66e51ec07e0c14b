// Errno numbers as names (from the C headers via the shim) and the usual cause
// of each one for the syscall that failed. The hints are what a TA would say.

import { loadShim } from './native.ts';
import type { OpName } from './ops.ts';

type Syscall = OpName | 'execve' | 'clone';

/** 'EINVAL' for 22 on this machine; 'errno 999' when unknown. */
export function errnoName(errno: number): string {
  return loadShim().errnoName(errno) ?? `errno ${errno}`;
}

const HINTS: Partial<Record<Syscall, Record<string, string>>> = {
  clone: {
    EPERM: 'creating namespaces needs root (CAP_SYS_ADMIN); run through sudo.',
    EINVAL: 'a CLONE_* flag is not supported by this kernel, or two flags conflict.',
    ENOSPC: 'the limit of namespaces of this kind is reached (/proc/sys/user/max_*_namespaces).',
    EUSERS: 'too many nested user namespaces.',
  },
  sethostname: {
    EPERM: 'changing the hostname needs CAP_SYS_ADMIN in the UTS namespace; did you ask for CLONE_NEWUTS?',
    EINVAL: 'the name is longer than 64 bytes.',
  },
  mount: {
    EINVAL: 'usually a flag combination the kernel refuses (a propagation flag like MS_PRIVATE must be alone, with MS_REC at most), a source that is not a block device or mount for MS_BIND, or a target in a shared mount during MS_MOVE.',
    ENOENT: 'the target directory (or the bind source) does not exist inside the container yet; mkdir it first.',
    ENODEV: 'unknown filesystem type (typo in fstype, or its module is not loaded).',
    EPERM: 'not allowed: you need root in the mount namespace, and some filesystems (proc, sysfs) need the matching PID/net namespace.',
    EBUSY: 'something is already mounted there, or the device is in use.',
    ENOTBLK: 'the source must be a block device (e.g. /dev/loop3) for this filesystem type.',
    ENOTDIR: 'the target is not a directory.',
  },
  umount2: {
    EINVAL: 'the path is not a mount point (or you passed an invalid flag).',
    EBUSY: 'the mount is in use (a process has its cwd or a file open there); MNT_DETACH unmounts lazily.',
    ENOENT: 'no such path inside the container.',
  },
  pivot_root: {
    EINVAL: 'new_root must be a mount point (bind-mount it onto itself first), must not be on the same mount as the current root, and put_old must be under new_root; it also fails when the root mount is shared (make / private first).',
    EBUSY: 'new_root or put_old is the current root, or put_old already has something mounted on it.',
    ENOTDIR: 'new_root or put_old is not a directory.',
    EPERM: 'pivot_root needs CAP_SYS_ADMIN in a mount namespace of its own (CLONE_NEWNS).',
  },
  chroot: { ENOENT: 'no such directory.', EPERM: 'chroot needs CAP_SYS_CHROOT.' },
  chdir: { ENOENT: 'no such directory inside the container (did the pivot_root work?).' },
  mkdir: { ENOENT: 'a parent directory does not exist.', EROFS: 'the filesystem is read-only here.' },
  mknod: { EPERM: 'device nodes need CAP_MKNOD (and are refused in user namespaces).', EEXIST: 'the node already exists.' },
  write_file: { ENOENT: 'no such file; is the right filesystem (/proc, /sys) mounted?', EACCES: 'not writable.' },
  // beyond the lab (issue 18)
  unshare: {
    EPERM: 'unshare(CLONE_NEWUSER) is refused in a chroot (pivot_root instead) and in a seccomp-filtered or threaded process; other flags need CAP_SYS_ADMIN.',
    EINVAL: 'a flag this kernel does not support, or CLONE_NEWUSER asked by a threaded process.',
    ENOSPC: 'the limit of user namespaces is reached (/proc/sys/user/max_user_namespaces; 0 disables them).',
    EUSERS: 'too many nested user namespaces (32 at most).',
  },
  wait_for_host: { ECANCELED: 'the host stopped before answering: its hook threw (see the error above) or the kit was interrupted.' },
  setgroups: { EPERM: 'setgroups is denied in this user namespace ("deny" in /proc/PID/setgroups), or the caller lacks CAP_SETGID there.' },
  setresgid: { EINVAL: 'that gid is not mapped in the user namespace: is gid_map written?', EPERM: 'no CAP_SETGID in this user namespace.' },
  setresuid: { EINVAL: 'that uid is not mapped in the user namespace: is uid_map written (does whileChildWaits answer the right label)?', EPERM: 'no CAP_SETUID in this user namespace.' },
  chown: { EPERM: 'chown needs CAP_CHOWN over the file: do it before entering the user namespace.', EINVAL: 'the uid or gid is not mapped in the caller\'s user namespace.' },
  setns: { EPERM: 'joining needs CAP_SYS_ADMIN over the namespace: join the user namespace last (after it, the host\'s namespaces are out of reach).', EINVAL: 'the fd is not a namespace of that type, or the caller is already in it (user namespace).' },
  prctl: { EPERM: 'PR_CAPBSET_DROP needs CAP_SETPCAP: drop the bounding set before capset() removes it.', EINVAL: 'an unknown option or capability number (above /proc/sys/kernel/cap_last_cap).' },
  capset: { EPERM: 'a capability asked for is not in the permitted set (or, for inheritable, the bounding set).' },
  seccomp: {
    EACCES: 'no PR_SET_NO_NEW_PRIVS before it, and no CAP_SYS_ADMIN: set no_new_privs first.',
    EINVAL: 'a malformed BPF program: a jump past the end, no return at the end, or more than 512 instructions.',
    EFAULT: 'the program could not be read.',
  },
  execve: {
    ENOENT: 'command not found inside the container (check its PATH and that the program exists in the container\'s root filesystem).',
    EACCES: 'the file is not executable, or its filesystem is mounted noexec.',
    ENOEXEC: 'not a binary this machine can run (wrong architecture, or a script without #!).',
  },
};

export function errnoHint(syscall: Syscall, name: string): string | undefined {
  return HINTS[syscall]?.[name];
}
