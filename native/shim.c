/*
 * container-workshop's C shim: the part of a container's life between clone()
 * and execve().
 *
 * Why C at all: Node is multithreaded and namespaces belong to threads, and a
 * child forked from JavaScript has no V8 heap (MADV_DONTFORK). So, like runc's
 * nsexec.c, this file clones, waits on a sync pipe while the host sets things
 * up, runs a list of single-syscall operations prepared in TypeScript, and
 * execs. Every decision is made in TypeScript; this file only executes.
 *
 * Rules for the child: no malloc, no stdio, only async-signal-safe calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

/* Operation kinds; kit/core/native.ts uses the same numbers (read from cw_op_kind). */
enum cw_kind {
  CW_SETHOSTNAME = 1,
  CW_SETDOMAINNAME,
  CW_MOUNT,
  CW_UMOUNT2,
  CW_PIVOT_ROOT,
  CW_CHROOT,
  CW_CHDIR,
  CW_MKDIR,
  CW_RMDIR,
  CW_MKNOD,
  CW_SYMLINK,
  CW_WRITE_FILE,
};

/* One operation: a syscall and its arguments. Layout is the platform's own
 * (koffi reads it from this definition in kit/core/native.ts, never hard-coded). */
struct cw_op {
  int32_t kind;
  const char *s[4];      /* string arguments, NULL allowed */
  uint64_t n[4];         /* numeric arguments (flags, modes, major, minor) */
};

#define CHILD_STACK (256 * 1024)

struct child_args {
  const struct cw_op *ops;
  int nops;
  char *const *argv;
  char *const *envp;
  const int *stdio; /* fds to become 0, 1, 2 (-1: keep the host's) */
  int foreground;   /* take the terminal on fd 0 (interactive shell) */
  int sync_fd; /* read end: the host writes one byte to release us */
  int err_fd;  /* write end, close-on-exec: one cw_report per op; closed by a successful exec */
};

/* Reported over err_fd, one record per operation as it completes (err 0 =
 * success), one for the execve about to be tried (index nops, err 0), and one
 * for a failure (err != 0; index -1 = setting up stdio), after which the child
 * exits. ns: CLOCK_MONOTONIC, the clock of Node's process.hrtime, so the kit
 * puts each syscall on the run's timeline (the --trace). */
struct cw_report {
  int32_t index;
  int32_t err;
  int64_t ns;
};

static int run_op_beyond(const struct cw_op *op);

static void report(const struct child_args *a, int index, int err) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  struct cw_report r = { index, err, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec };
  /* one write of 16 bytes (< PIPE_BUF): atomic; the parent reads to EOF */
  ssize_t ignored = write(a->err_fd, &r, sizeof r);
  (void)ignored;
}

static int run_op(const struct cw_op *op) {
  switch (op->kind) {
  case CW_SETHOSTNAME:
    return sethostname(op->s[0], strlen(op->s[0]));
  case CW_SETDOMAINNAME:
    return setdomainname(op->s[0], strlen(op->s[0]));
  case CW_MOUNT:
    return mount(op->s[0], op->s[1], op->s[2], (unsigned long)op->n[0], op->s[3]);
  case CW_UMOUNT2:
    return umount2(op->s[0], (int)op->n[0]);
  case CW_PIVOT_ROOT:
    /* glibc has no wrapper for pivot_root */
    return (int)syscall(SYS_pivot_root, op->s[0], op->s[1]);
  case CW_CHROOT:
    return chroot(op->s[0]);
  case CW_CHDIR:
    return chdir(op->s[0]);
  case CW_MKDIR:
    /* an existing directory is fine: steps may prepare the same path twice */
    if (mkdir(op->s[0], (mode_t)op->n[0]) == 0 || errno == EEXIST) return 0;
    return -1;
  case CW_RMDIR:
    return rmdir(op->s[0]);
  case CW_MKNOD:
    return mknod(op->s[0], (mode_t)(op->n[0] | op->n[1]),
                 makedev((unsigned)op->n[2], (unsigned)op->n[3]));
  case CW_SYMLINK:
    return symlink(op->s[0], op->s[1]);
  case CW_WRITE_FILE: {
    int fd = open(op->s[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    size_t len = strlen(op->s[1]);
    ssize_t w = write(fd, op->s[1], len);
    int saved = errno;
    close(fd);
    if (w != (ssize_t)len) { errno = w < 0 ? saved : EIO; return -1; }
    return 0;
  }
  default:
    return run_op_beyond(op);
  }
}

static __attribute__((noreturn)) void fail(const struct child_args *a, int index, int err) {
  report(a, index, err);
  _exit(127);
}

static const char *env_path(char *const *envp) {
  for (; envp && *envp; envp++)
    if (strncmp(*envp, "PATH=", 5) == 0) return *envp + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* execvpe without malloc: try each PATH entry in a stack buffer. Returns errno. */
static int exec_search(char *const *argv, char *const *envp) {
  const char *file = argv[0];
  if (strchr(file, '/')) { execve(file, argv, envp); return errno; }
  const char *p = env_path(envp);
  int err = ENOENT;
  char buf[4096];
  size_t flen = strlen(file);
  while (*p) {
    const char *end = strchrnul(p, ':');
    size_t dlen = (size_t)(end - p);
    if (dlen + 1 + flen + 1 <= sizeof buf) {
      memcpy(buf, p, dlen);
      buf[dlen] = '/';
      memcpy(buf + dlen + 1, file, flen + 1);
      execve(buf, argv, envp);
      /* remember a more telling error than ENOENT (EACCES, ENOEXEC ...) */
      if (errno != ENOENT && errno != ENOTDIR) err = errno;
    }
    p = *end ? end + 1 : end;
  }
  return err;
}

static int child_main(void *arg) {
  const struct child_args *a = arg;

  /* Die with the host process: a killed kit never leaves an orphan container. */
  prctl(PR_SET_PDEATHSIG, SIGKILL);

  /* Wait until the host has done its setup (cgroup, veth...). EOF = aborted. */
  char go;
  if (read(a->sync_fd, &go, 1) != 1) _exit(126);
  close(a->sync_fd);

  for (int fd = 0; fd <= 2; fd++)
    if (a->stdio[fd] >= 0 && a->stdio[fd] != fd && dup2(a->stdio[fd], fd) < 0) fail(a, -1, errno);

  /* Node opens fds 0-2 close-on-exec and may leave a TTY non-blocking; the
   * command must get ordinary, blocking, inheritable stdio. */
  for (int fd = 0; fd <= 2; fd++) {
    int fdflags = fcntl(fd, F_GETFD);
    if (fdflags >= 0) fcntl(fd, F_SETFD, fdflags & ~FD_CLOEXEC);
    int flflags = fcntl(fd, F_GETFL);
    if (flflags >= 0 && (flflags & O_NONBLOCK)) fcntl(fd, F_SETFL, flflags & ~O_NONBLOCK);
  }

  /* The host's signal dispositions (Node ignores SIGPIPE) must not leak in. */
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &dfl, NULL);
  /* An interactive shell does job control: it must lead its own process
   * group and own the terminal, as a job started by a shell would. Otherwise
   * it cannot hand the terminal back at exit: the kit's group is outside its
   * PID namespace. tcsetpgrp from a background group raises SIGTTOU, hence
   * the block (still in place from above). */
  sigset_t ttou;
  sigemptyset(&ttou);
  sigaddset(&ttou, SIGTTOU);
  sigprocmask(SIG_BLOCK, &ttou, NULL);
  if (a->foreground && isatty(0)) {
    setpgid(0, 0);
    tcsetpgrp(0, getpgrp());
  }

  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);

  /* Modes in the ops are meant literally (mknod /dev/null 0666), so no
   * umask while they run; the command gets the host's umask back. */
  mode_t saved_umask = umask(0);
  for (int i = 0; i < a->nops; i++) {
    if (run_op(&a->ops[i]) != 0) fail(a, i, errno);
    report(a, i, 0);
  }
  umask(saved_umask);

  report(a, a->nops, 0); /* about to execve; a success closes the pipe */
  fail(a, a->nops, exec_search(a->argv, a->envp));
}

/*
 * Clone a paused child. Returns its pid (> 0) or -errno. stdio[0..2] are
 * fds the child gets as its stdin, stdout, stderr (-1: inherit); with
 * foreground, it becomes the terminal's foreground process group. On success
 * fds_out[0] is the sync pipe's write end (write a byte to release, close to
 * abort) and fds_out[1] the report pipe's read end (struct cw_report
 * records to EOF; EOF without a failure record = exec happened). Both are
 * close-on-exec in the caller.
 *
 * The child gets a private copy of the caller's memory (no CLONE_VM), so the
 * ops, argv and envp passed here are valid in it. They must not live in
 * memory marked MADV_DONTFORK (V8's heap): koffi copies arguments to its own
 * native buffers, which are ordinary memory.
 */
int cw_spawn(unsigned long flags, const struct cw_op *ops, int nops,
             char *const *argv, char *const *envp, const int *stdio, int foreground,
             int *fds_out) {
  int sync[2], err[2];
  if (pipe2(sync, O_CLOEXEC) < 0) return -errno;
  if (pipe2(err, O_CLOEXEC) < 0) { int e = errno; close(sync[0]); close(sync[1]); return -e; }

  void *stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    int e = errno;
    close(sync[0]); close(sync[1]); close(err[0]); close(err[1]);
    return -e;
  }

  struct child_args a = { ops, nops, argv, envp, stdio, foreground, sync[0], err[1] };
  /* SIGCHLD: the host is told when the child exits, like a fork()ed child. */
  pid_t pid = clone(child_main, (char *)stack + CHILD_STACK, (int)flags | SIGCHLD, &a);
  int e = errno;
  munmap(stack, CHILD_STACK);
  close(sync[0]);
  close(err[1]);
  if (pid < 0) { close(sync[1]); close(err[0]); return -e; }
  fds_out[0] = sync[1];
  fds_out[1] = err[0];
  return pid;
}

/* waitpid() that returns the raw status, or -errno; WNOHANG gives 0 when still running. */
int cw_wait(int pid, int nohang, int *status) {
  for (;;) {
    int r = waitpid(pid, status, nohang ? WNOHANG : 0);
    if (r >= 0) return r;
    if (errno != EINTR) return -errno;
  }
}

/* Give the terminal on fd back to the caller's process group once an
 * interactive container has exited (it had made itself the foreground). */
int cw_take_terminal(int fd) {
  if (!isatty(fd)) return 0;
  sigset_t ttou, old;
  sigemptyset(&ttou);
  sigaddset(&ttou, SIGTTOU);
  sigprocmask(SIG_BLOCK, &ttou, &old);
  int r = tcsetpgrp(fd, getpgrp());
  int e = errno;
  sigprocmask(SIG_SETMASK, &old, NULL);
  return r < 0 ? -e : 0;
}

/* Decoded wait status, so no W* macro is re-implemented in TypeScript. */
int cw_status_exited(int s) { return WIFEXITED(s) ? WEXITSTATUS(s) : -1; }
int cw_status_signal(int s) { return WIFSIGNALED(s) ? WTERMSIG(s) : -1; }

/* Size of struct cw_report, so kit/core/native.ts can check the layout it reads. */
int cw_report_size(void) { return (int)sizeof(struct cw_report); }

/* Constants by name, from the C headers of the machine we run on. */
long cw_constant(const char *name) {
#define C(x) if (strcmp(name, #x) == 0) return (long)(x);
  C(CLONE_NEWPID) C(CLONE_NEWNS) C(CLONE_NEWUTS) C(CLONE_NEWIPC) C(CLONE_NEWNET)
  C(CLONE_NEWUSER) C(CLONE_NEWCGROUP)
#ifdef CLONE_NEWTIME
  C(CLONE_NEWTIME)
#endif
  C(MS_RDONLY) C(MS_NOSUID) C(MS_NODEV) C(MS_NOEXEC) C(MS_REMOUNT) C(MS_BIND) C(MS_REC)
  C(MS_PRIVATE) C(MS_SLAVE) C(MS_SHARED) C(MS_UNBINDABLE) C(MS_MOVE) C(MS_NOATIME)
  C(MS_RELATIME) C(MS_STRICTATIME)
  C(MNT_DETACH) C(MNT_FORCE) C(MNT_EXPIRE) C(UMOUNT_NOFOLLOW)
  C(S_IFCHR) C(S_IFBLK) C(S_IFIFO) C(S_IFREG)
  C(CW_SETHOSTNAME) C(CW_SETDOMAINNAME) C(CW_MOUNT) C(CW_UMOUNT2) C(CW_PIVOT_ROOT)
  C(CW_CHROOT) C(CW_CHDIR) C(CW_MKDIR) C(CW_RMDIR) C(CW_MKNOD) C(CW_SYMLINK) C(CW_WRITE_FILE)
#undef C
  return -1;
}

/*
 * Beyond the lab (issue 18): the user namespace, hardening, and joining a
 * running container. Separate from the ops above so the two lists read on
 * their own; numbers start at 100 (kit/core/native.ts reads them by name).
 */
enum cw_kind_beyond {
  CW_UNSHARE = 100,   /* unshare(n0) */
  CW_WAIT_FOR_HOST,   /* write a byte to fd n0, wait for one on fd n1 */
  CW_SETGROUPS,       /* setgroups(0, NULL): drop every supplementary group */
  CW_SETRESGID,       /* setresgid(n0, n1, n2) */
  CW_SETRESUID,       /* setresuid(n0, n1, n2) */
  CW_CHOWN,           /* chown(s0, n0, n1) */
  CW_SETNS,           /* setns(fd n0, nstype n1) */
  CW_FORK,            /* fork; the parent waits and exits as the child did */
  CW_PRCTL,           /* prctl(n0, n1, n2, n3, 0) */
  CW_CAPSET,          /* capset: effective n0, permitted n1, inheritable n2 (64-bit masks) */
  CW_SECCOMP,         /* seccomp(SECCOMP_SET_MODE_FILTER, n0, program in hex in s0) */
};

#define CW_BPF_MAX 512

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* The classic BPF program arrives as hex of struct sock_filter[] in the
 * machine's own byte order (built by kit/core/seccomp.ts); decoded on the stack. */
static int load_seccomp(const char *hex, unsigned long flags) {
  struct sock_filter prog[CW_BPF_MAX];
  size_t len = strlen(hex);
  if (len == 0 || len % (2 * sizeof prog[0]) != 0 || len / 2 > sizeof prog) { errno = EINVAL; return -1; }
  unsigned char *bytes = (unsigned char *)prog;
  for (size_t i = 0; i < len / 2; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) { errno = EINVAL; return -1; }
    bytes[i] = (unsigned char)(hi << 4 | lo);
  }
  struct sock_fprog fprog = { (unsigned short)(len / 2 / sizeof prog[0]), prog };
  return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
}

/* fork() from glibc takes malloc's locks, which a thread of the host may have
 * held when we were cloned: the raw syscall has no such surprise. The parent
 * (still outside the PID namespace it joined) waits and exits as the child did,
 * like nsenter --fork; it closes every fd above 2 first, so the host sees EOF
 * on the error pipe when the child execs. */
static int fork_and_wait(void) {
  long pid = syscall(SYS_clone, (unsigned long)SIGCHLD, 0, 0, 0, 0);
  if (pid < 0) return -1;
  if (pid == 0) {
    /* no getppid() test for a parent that died first: in the PID namespace
     * just joined, the parent is invisible (0) anyway; it dies only by a
     * signal, and the kit's reaper then sees that death */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    return 0;
  }
#ifdef SYS_close_range
  if (syscall(SYS_close_range, 3, ~0U, 0) != 0)
#endif
    for (int fd = 3; fd < 1024; fd++) close(fd);
  int status;
  while (waitpid((pid_t)pid, &status, 0) < 0)
    if (errno != EINTR) _exit(125);
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    syscall(SYS_kill, syscall(SYS_getpid), WTERMSIG(status));
    _exit(128 + WTERMSIG(status));
  }
  _exit(125);
}

static int run_op_beyond(const struct cw_op *op) {
  switch (op->kind) {
  case CW_UNSHARE:
    return unshare((int)op->n[0]);
  case CW_WAIT_FOR_HOST: {
    char b = 1;
    if (write((int)op->n[0], &b, 1) != 1) return -1;
    ssize_t r = read((int)op->n[1], &b, 1);
    if (r == 1) return 0;
    errno = r < 0 ? errno : ECANCELED; /* EOF: the host gave up */
    return -1;
  }
  /* The raw syscalls, not glibc's wrappers: those broadcast the change to
   * every thread glibc believes exists, and the host's threads are not here. */
  case CW_SETGROUPS:
    return (int)syscall(SYS_setgroups, 0, NULL);
  /* A change of effective uid or gid clears the parent-death signal (see
   * prctl(2), PR_SET_PDEATHSIG): set it again, or a container whose kit is
   * killed would outlive it. */
  case CW_SETRESGID:
    if (syscall(SYS_setresgid, (gid_t)op->n[0], (gid_t)op->n[1], (gid_t)op->n[2]) != 0) return -1;
    return prctl(PR_SET_PDEATHSIG, SIGKILL);
  case CW_SETRESUID:
    if (syscall(SYS_setresuid, (uid_t)op->n[0], (uid_t)op->n[1], (uid_t)op->n[2]) != 0) return -1;
    return prctl(PR_SET_PDEATHSIG, SIGKILL);
  case CW_CHOWN:
    return chown(op->s[0], (uid_t)op->n[0], (gid_t)op->n[1]);
  case CW_SETNS:
    return setns((int)op->n[0], (int)op->n[1]);
  case CW_FORK:
    return fork_and_wait();
  case CW_PRCTL:
    return prctl((int)op->n[0], (unsigned long)op->n[1], (unsigned long)op->n[2], (unsigned long)op->n[3], 0UL);
  case CW_CAPSET: {
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    for (int i = 0; i < 2; i++) {
      d[i].effective = (uint32_t)(op->n[0] >> (32 * i));
      d[i].permitted = (uint32_t)(op->n[1] >> (32 * i));
      d[i].inheritable = (uint32_t)(op->n[2] >> (32 * i));
    }
    return (int)syscall(SYS_capset, &h, d);
  }
  case CW_SECCOMP:
    return load_seccomp(op->s[0], (unsigned long)op->n[0]);
  default:
    errno = ENOSYS;
    return -1;
  }
}

/* Two pipes' worth of fds for a CW_WAIT_FOR_HOST op, close-on-exec, or -errno. */
int cw_pipe(int *fds) {
  return pipe2(fds, O_CLOEXEC) < 0 ? -errno : 0;
}

/* The constants of issue 18's ops, from this machine's headers; -1 if unknown
 * here (a syscall this architecture does not have). */
long cw_constant_beyond(const char *name) {
#define C(x) if (strcmp(name, #x) == 0) return (long)(x);
#define S(x) if (strcmp(name, "SYS_" #x) == 0) return (long)(SYS_##x);
  C(CW_UNSHARE) C(CW_WAIT_FOR_HOST) C(CW_SETGROUPS) C(CW_SETRESGID) C(CW_SETRESUID) C(CW_CHOWN)
  C(CW_SETNS) C(CW_FORK) C(CW_PRCTL) C(CW_CAPSET) C(CW_SECCOMP)
  C(PR_CAPBSET_DROP) C(PR_CAP_AMBIENT) C(PR_CAP_AMBIENT_CLEAR_ALL) C(PR_SET_NO_NEW_PRIVS)
  C(PR_SET_KEEPCAPS) C(PR_SET_DUMPABLE)
  C(SECCOMP_RET_KILL_PROCESS) C(SECCOMP_RET_KILL_THREAD) C(SECCOMP_RET_ERRNO) C(SECCOMP_RET_ALLOW)
  C(SECCOMP_RET_LOG) C(SECCOMP_FILTER_FLAG_TSYNC)
  C(BPF_LD) C(BPF_W) C(BPF_ABS) C(BPF_JMP) C(BPF_JEQ) C(BPF_JGE) C(BPF_K) C(BPF_RET)
  C(EPERM)
  if (strcmp(name, "offsetof(seccomp_data, nr)") == 0) return (long)offsetof(struct seccomp_data, nr);
  if (strcmp(name, "offsetof(seccomp_data, arch)") == 0) return (long)offsetof(struct seccomp_data, arch);
  if (strcmp(name, "sizeof(sock_filter)") == 0) return (long)sizeof(struct sock_filter);
#if defined(__x86_64__)
  if (strcmp(name, "AUDIT_ARCH") == 0) return (long)AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
  if (strcmp(name, "AUDIT_ARCH") == 0) return (long)AUDIT_ARCH_AARCH64;
#endif
#ifdef __X32_SYSCALL_BIT
  C(__X32_SYSCALL_BIT)
#endif
  /* the syscalls a seccomp filter may name (Docker's default profile denies these) */
  S(keyctl) S(add_key) S(request_key) S(bpf) S(mount) S(umount2) S(unshare) S(setns)
  S(kexec_load) S(init_module) S(finit_module) S(delete_module) S(ptrace) S(perf_event_open)
  S(pivot_root) S(swapon) S(swapoff) S(reboot) S(settimeofday) S(clock_settime) S(acct)
  S(open_by_handle_at) S(name_to_handle_at) S(userfaultfd) S(lookup_dcookie) S(quotactl)
  S(process_vm_readv) S(process_vm_writev) S(move_mount) S(open_tree) S(fsopen) S(fsmount)
  S(fsconfig) S(fspick) S(mount_setattr) S(chroot) S(personality) S(keyctl) S(syslog)
  S(vhangup) S(clone3) S(getpid) S(mknodat) S(kcmp)
#ifdef SYS_kexec_file_load
  S(kexec_file_load)
#endif
#ifdef SYS_umount
  S(umount)
#endif
#ifdef SYS_mknod
  S(mknod)
#endif
#ifdef SYS_uselib
  S(uselib)
#endif
#ifdef SYS_create_module
  S(create_module)
#endif
#ifdef SYS_ioperm
  S(ioperm) S(iopl)
#endif
#undef S
#undef C
  return -1;
}

/* errno number -> name ("EINVAL"), from this machine's headers. NULL if unknown. */
const char *cw_errno_name(int e) {
  switch (e) {
#define E(x) case x: return #x;
    E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC) E(EBADF)
    E(ECHILD) E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(ENOTBLK) E(EBUSY) E(EEXIST)
    E(EXDEV) E(ENODEV) E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE) E(EMFILE) E(ENOTTY)
    E(ETXTBSY) E(EFBIG) E(ENOSPC) E(ESPIPE) E(EROFS) E(EMLINK) E(EPIPE) E(ERANGE)
    E(ENAMETOOLONG) E(ENOSYS) E(ENOTEMPTY) E(ELOOP) E(EUSERS) E(EOVERFLOW) E(EOPNOTSUPP)
    E(EADDRINUSE) E(EADDRNOTAVAIL) E(ENETUNREACH) E(ECONNREFUSED) E(ETIMEDOUT) E(ESTALE)
    E(EDQUOT) E(ENOMEDIUM) E(ECANCELED)
#undef E
  default:
    return NULL;
  }
}
