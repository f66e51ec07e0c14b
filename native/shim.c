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

/* Operation kinds; kit/native.ts uses the same numbers (read from cw_op_kind). */
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
 * (koffi reads it from this definition in kit/native.ts, never hard-coded). */
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
    errno = ENOSYS;
    return -1;
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

/* Size of struct cw_report, so kit/native.ts can check the layout it reads. */
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
