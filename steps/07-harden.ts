// Step 7 (beyond the lab): harden the container, as runc and Docker do.
//
// Step 6 made root inside an unprivileged uid outside. Inside its own user
// namespace it still holds every capability, can call every syscall and
// read everything /proc shows. This step takes away what a container does not
// need: most capabilities (all five sets), the way back to more privileges
// (no_new_privs), the dangerous syscalls (a seccomp filter), new device nodes,
// and the /proc files that describe or steer the host (masked or read-only).
// The theory: site/steps/07-harden.md.

import fs from 'node:fs';
import {
  BPF_JUMP,
  BPF_STMT,
  bpfConstant,
  capNumber,
  capset,
  lastCap,
  mount,
  prctl,
  seccomp,
  seccompData,
  syscallNumber,
  todo,
  type CapName,
  type ChildOp,
  type SockFilter,
  type StepDefinition,
} from '../kit/student.ts';

/** What root inside keeps: Docker's default set without CAP_MKNOD (no new device nodes). */
export const KEEP: CapName[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_RAW',
  'CAP_SYS_CHROOT',
  'CAP_AUDIT_WRITE',
  'CAP_SETFCAP',
];

/** Syscalls refused with EPERM: the main entries of Docker's default seccomp profile (the page says why each). */
export const DENY = [
  // the kernel keyring is not namespaced
  'keyctl',
  'add_key',
  'request_key',
  // kernel code and its tracing
  'bpf',
  'perf_event_open',
  'userfaultfd',
  'kexec_load',
  'kexec_file_load',
  'init_module',
  'finit_module',
  'delete_module',
  // the mount table and namespaces (old and new mount API)
  'mount',
  'umount2',
  'pivot_root',
  'move_mount',
  'open_tree',
  'fsopen',
  'fsmount',
  'fsconfig',
  'fspick',
  'mount_setattr',
  'unshare',
  'setns',
  // the "shocker" escape: open any inode of the host's filesystem by handle
  'open_by_handle_at',
  // the whole machine's state
  'swapon',
  'swapoff',
  'reboot',
  'settimeofday',
  'clock_settime',
  'acct',
  'quotactl',
  'syslog',
  'iopl',
  'ioperm',
];

/** runc's default maskedPaths and readonlyPaths (config.json of `runc spec`). */
const MASKED = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];
const READONLY = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

const step: StepDefinition = {
  id: 7,
  name: 'harden',
  title: 'Hardening: capabilities, no_new_privs, seccomp, devices, masked /proc',
  page: '/steps/07-harden',

  configure(ctx, spec) {
    // The mounts must happen while the child is still the host's root: the
    // mount namespace belongs to the host's user namespace (step 6), so once
    // in its own, the child can no longer mount (nor unmount what we mount
    // here: the masks cannot be lifted from inside).
    const mounts: ChildOp[] = [];
    // /proc and /sys are the host's kernel seen through the container's
    // namespaces; a path this kernel does not have is skipped, as runc does.
    const present = (p: string) => fs.existsSync(p);
    todo("mask", "Hide each MASKED path that exists: bind-mount /dev/null over a file, mount a read-only tmpfs over a folder.");
    todo("readonly", "Make each READONLY path that exists read-only: bind-mount it onto itself, then remount that bind read-only (keeping nosuid, nodev, noexec).");
    todo("before-userns", "Put these mounts into spec.ops just before step 6's unshare (the op whose .op is 'unshare'), where the child is still the host's root.");

    // From here on the child is root of its own user namespace (step 6),
    // with every capability there: take them away, in the right order.
    const keep = new Set(KEEP.map(capNumber));
    todo("bounding", "Drop every capability not in KEEP from the bounding set (prctl PR_CAPBSET_DROP, one call per capability number from 0 to lastCap()): execve can never give them back.");
    todo("capsets", "Clear the ambient set (prctl PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL), then set effective and permitted to KEEP and inheritable to nothing (capset).");
    todo("no-new-privs", "Forbid gaining privileges at execve (setuid binaries, file capabilities): prctl PR_SET_NO_NEW_PRIVS, 1.");
    todo("seccomp", "Last of all (it would refuse our own mounts), install the filter of denyList(): seccomp(filter).");
  },
};

/**
 * The seccomp program: kill a process of another architecture (its syscall
 * numbers mean other syscalls), refuse each syscall of `names` with EPERM,
 * allow the rest. Every syscall runs it, with struct seccomp_data as input.
 */
export function denyList(names: string[]): SockFilter[] {
  const K = bpfConstant;
  const data = seccompData();
  const load = (offset: number) => BPF_STMT(K('BPF_LD') | K('BPF_W') | K('BPF_ABS'), offset);
  const ret = (value: number) => BPF_STMT(K('BPF_RET') | K('BPF_K'), value);
  const eperm = K('SECCOMP_RET_ERRNO') | K('EPERM');
  const filter: SockFilter[] = [];
  todo("filter", "1. load the arch field, 2. if it is not AUDIT_ARCH (this machine's), return SECCOMP_RET_KILL_PROCESS; 3. load the syscall number (nr); 4. for each name that has a number here (syscallNumber), if nr equals it return SECCOMP_RET_ERRNO | EPERM; 5. return SECCOMP_RET_ALLOW.");
  return filter;
}

export default step;
