// The usual cause of each errno a syscall of the container's birth can fail
// with: what a TA would say. ONE table for the kit's messages (errno.ts) and
// the site's "common errors" tables (site/.vitepress/theme/components/
// ErrnoTable.vue renders it), so the two cannot disagree. Plain data with no
// imports: the site bundles this file as it is.
//
// Verified on this course's kernel (6.x), not copied from older man pages:
// pivot_root(".", ".") without the bind mount fails with EBUSY when the rootfs
// sits on the root's own mount (the kernel checks "new_root is on the current
// root's mount" before "new_root is a mount point"), EINVAL when it sits on
// another mount. Both messages lead to the bind mount.

export type ErrnoSyscall =
  | 'clone'
  | 'execve'
  | 'sethostname'
  | 'setdomainname'
  | 'mount'
  | 'umount2'
  | 'pivot_root'
  | 'chroot'
  | 'chdir'
  | 'mkdir'
  | 'rmdir'
  | 'mknod'
  | 'symlink'
  | 'write_file'
  // beyond the lab: steps 6 and 7, npm run exec
  | 'unshare'
  | 'wait_for_host'
  | 'setgroups'
  | 'setresgid'
  | 'setresuid'
  | 'chown'
  | 'setns'
  | 'prctl'
  | 'capset'
  | 'seccomp'
  | 'fork';

export const ERRNO_CAUSES: Partial<Record<ErrnoSyscall, Record<string, string>>> = {
  clone: {
    EPERM: 'creating namespaces needs root (CAP_SYS_ADMIN): run through the kit (it uses sudo), not inside an unprivileged container.',
    EINVAL:
      'a CLONE_* flag this kernel does not know, or a combination it refuses (CLONE_NEWTIME, for one, which clone() cannot take at all).',
    ENOSPC:
      'a namespace limit was reached: /proc/sys/user/max_*_namespaces is 0 or exhausted (sometimes on purpose, by hardening guides), or PID namespaces are nested deeper than 32 levels.',
    ENOMEM: 'out of memory, or creating a process in a PID namespace whose init has died.',
    EUSERS: 'too many nested user namespaces.',
  },
  sethostname: {
    EPERM: 'changing the hostname needs root (CAP_SYS_ADMIN) in the UTS namespace.',
    EINVAL: 'the name is longer than 64 bytes.',
  },
  mount: {
    EINVAL:
      'a flag combination the kernel refuses (a propagation change takes exactly one of MS_PRIVATE, MS_SHARED, MS_SLAVE, MS_UNBINDABLE, plus MS_REC at most, and nothing else), a device with no filesystem of that type on it (an image never formatted), a bind source that is not a mount or directory, or a target in a shared mount during MS_MOVE.',
    ENOENT:
      "the target directory, or the source, does not exist inside the container yet: mkdir the target first; after pivot_root, a device such as /dev/loopN is not in the container's /dev (mount it before).",
    ENODEV: 'unknown filesystem type (a typo in fstype, or its module is not loaded).',
    EPERM:
      "not allowed: you need root in the mount namespace, and proc needs the PID namespace it would show to be yours (sysfs: the network namespace). After unshare(CLONE_NEWUSER) (steps 6, 7) the container's root may not mount a block device nor touch the host's mounts at all: make every mount before the unshare.",
    EBUSY: 'something is already mounted there, or the device is in use.',
    ENOTBLK: 'the source must be a block device (e.g. /dev/loop3) for this filesystem type.',
    ENOTDIR: 'the target is not a directory.',
  },
  umount2: {
    EINVAL: 'the path is not a mount point (or you passed an invalid flag).',
    EBUSY: 'the mount is in use (the old root is, by the host and by the process itself): MNT_DETACH unmounts it lazily.',
    ENOENT: 'no such path inside the container.',
  },
  pivot_root: {
    EBUSY:
      'new_root is not a mount point of its own: it is still on the same mount as the current root. Bind-mount the rootfs onto itself first (mount with MS_BIND, source and target the same), then chdir into it. (Also: put_old already has something mounted on it.)',
    EINVAL:
      'new_root must be a mount point (bind-mount the rootfs onto itself first, and chdir into it), put_old must be under new_root, and the mounts involved must not be shared: the private remount of step 1 must come first.',
    ENOTDIR: 'new_root or put_old is not a directory.',
    EPERM: 'pivot_root needs CAP_SYS_ADMIN in a mount namespace of its own (CLONE_NEWNS).',
  },
  chroot: { ENOENT: 'no such directory.', EPERM: 'chroot needs CAP_SYS_CHROOT.' },
  chdir: { ENOENT: 'no such directory inside the container (did the pivot_root work?).' },
  mkdir: { ENOENT: 'a parent directory does not exist.', EROFS: 'the filesystem is read-only here.' },
  mknod: {
    EPERM: 'device nodes need CAP_MKNOD (and are refused in user namespaces).',
    EEXIST:
      "the node already exists: without a fresh tmpfs on /dev, the nodes land in the rootfs's own /dev, which every container shares (remove them: sudo rm state/rootfs/dev/*).",
  },
  write_file: { ENOENT: 'no such file; is the right filesystem (/proc, /sys) mounted?', EACCES: 'not writable.' },
  // beyond the lab (steps 6 and 7, npm run exec)
  unshare: {
    EPERM:
      'unshare(CLONE_NEWUSER) is refused in a chroot (pivot_root instead) and in a seccomp-filtered or threaded process; other flags need CAP_SYS_ADMIN.',
    EINVAL: 'a flag this kernel does not support, or CLONE_NEWUSER asked by a threaded process.',
    ENOSPC: 'the limit of user namespaces is reached (/proc/sys/user/max_user_namespaces; 0 disables them).',
    EUSERS: 'too many nested user namespaces (32 at most).',
  },
  wait_for_host: { ECANCELED: 'the host stopped before answering: its hook threw (see the error above) or the kit was interrupted.' },
  setgroups: { EPERM: 'setgroups is denied in this user namespace ("deny" in /proc/PID/setgroups), or the caller lacks CAP_SETGID there.' },
  setresgid: {
    EINVAL: 'that gid is not mapped in the user namespace: is gid_map written?',
    EPERM: 'no CAP_SETGID in this user namespace.',
  },
  setresuid: {
    EINVAL: 'that uid is not mapped in the user namespace: is uid_map written (does whileChildWaits answer the right label)?',
    EPERM: 'no CAP_SETUID in this user namespace.',
  },
  chown: {
    EPERM: 'chown needs CAP_CHOWN over the file: do it before entering the user namespace.',
    EINVAL: "the uid or gid is not mapped in the caller's user namespace.",
  },
  setns: {
    EPERM:
      "joining needs CAP_SYS_ADMIN over the namespace: join the user namespace last (after it, the host's namespaces are out of reach).",
    EINVAL: 'the fd is not a namespace of that type, or the caller is already in it (user namespace).',
  },
  prctl: {
    EPERM: 'PR_CAPBSET_DROP needs CAP_SETPCAP: drop the bounding set before capset() removes it.',
    EINVAL: 'an unknown option or capability number (above /proc/sys/kernel/cap_last_cap).',
  },
  capset: { EPERM: 'a capability asked for is not in the permitted set (or, for inheritable, the bounding set).' },
  seccomp: {
    EACCES: 'no PR_SET_NO_NEW_PRIVS before it, and no CAP_SYS_ADMIN: set no_new_privs first.',
    EINVAL: 'a malformed BPF program: a jump past the end, no return at the end, or more than 512 instructions.',
    EFAULT: 'the program could not be read.',
  },
  execve: {
    ENOENT:
      "command not found inside the container: check its PATH, and that the program exists in the container's files (in step 1 those are still the host's; from step 2 on, the rootfs's).",
    EACCES: 'the file is not executable, or its filesystem is mounted noexec.',
    ENOEXEC: 'not a binary this machine can run (wrong architecture, or a script without #!).',
    EPERM: 'the seccomp filter (step 7) denies execve itself, or a syscall the program needs at start: check the deny list.',
  },
};

/** One row of a page's "common errors" table: how the failing call looks in the kit's message. */
export interface ErrnoRow {
  syscall: ErrnoSyscall;
  errno: string;
  /** the call as the message shows it, e.g. `pivot_root(".", ".")` */
  seen: string;
}

/** The rows each step page lists (the errors a student meets first in that step). */
export const STEP_ERRNO_ROWS: Record<number, ErrnoRow[]> = {
  1: [
    { syscall: 'mount', errno: 'EPERM', seen: 'mount("proc", "/proc", ...)' },
    { syscall: 'mount', errno: 'EINVAL', seen: 'mount(NULL, "/", ...)' },
    { syscall: 'sethostname', errno: 'EINVAL', seen: 'sethostname(...)' },
    { syscall: 'sethostname', errno: 'EPERM', seen: 'sethostname(...)' },
    { syscall: 'execve', errno: 'ENOENT', seen: 'execve(...)' },
  ],
  2: [
    { syscall: 'pivot_root', errno: 'EBUSY', seen: 'pivot_root(".", ".")' },
    { syscall: 'pivot_root', errno: 'EINVAL', seen: 'pivot_root(".", ".")' },
    { syscall: 'umount2', errno: 'EBUSY', seen: 'umount2(".", 0)' },
    { syscall: 'mount', errno: 'ENOENT', seen: 'mount("/dev/loop0", ...)' },
    { syscall: 'mount', errno: 'EINVAL', seen: 'mount(..., "ext4", ...)' },
    { syscall: 'mknod', errno: 'EEXIST', seen: 'mknod("/dev/null", ...)' },
  ],
  6: [
    { syscall: 'mount', errno: 'EPERM', seen: 'mount(..., "ext4", ...)' },
    { syscall: 'setresuid', errno: 'EINVAL', seen: 'setresuid(0, 0, 0)' },
    { syscall: 'setgroups', errno: 'EPERM', seen: 'setgroups(0, NULL)' },
    { syscall: 'chown', errno: 'EPERM', seen: 'chown("/home", ...)' },
    { syscall: 'wait_for_host', errno: 'ECANCELED', seen: 'wait for the host (uid_map)' },
  ],
  7: [
    { syscall: 'seccomp', errno: 'EACCES', seen: 'seccomp(SECCOMP_SET_MODE_FILTER, ...)' },
    { syscall: 'seccomp', errno: 'EINVAL', seen: 'seccomp(...)' },
    { syscall: 'mount', errno: 'EPERM', seen: 'mount(...) of a masked path' },
    { syscall: 'prctl', errno: 'EPERM', seen: 'prctl(PR_CAPBSET_DROP, ...)' },
    { syscall: 'capset', errno: 'EPERM', seen: 'capset(...)' },
    { syscall: 'execve', errno: 'EPERM', seen: 'execve(...)' },
  ],
};

/** Every (syscall, errno) of the table, as rows (the troubleshooting page's full table). */
export function allErrnoRows(syscalls?: ErrnoSyscall[]): ErrnoRow[] {
  const rows: ErrnoRow[] = [];
  for (const [syscall, causes] of Object.entries(ERRNO_CAUSES) as [ErrnoSyscall, Record<string, string>][]) {
    if (syscalls && !syscalls.includes(syscall)) continue;
    for (const errno of Object.keys(causes))
      rows.push({ syscall, errno, seen: syscall === 'write_file' ? 'write(...)' : `${syscall}(...)` });
  }
  return rows;
}

export const causeOf = (syscall: ErrnoSyscall, errno: string): string | undefined => ERRNO_CAUSES[syscall]?.[errno];
