/*
 * Check 7's probe: makes each syscall named on its command line, with
 * arguments that fail harmlessly when no filter stops it (EINVAL, EFAULT,
 * EBADF) or succeed harmlessly (unshare(CLONE_NEWUSER) of the probe itself),
 * and prints "sys.NAME=EPERM" or what it got instead. Built static by the
 * check (busybox has no keyctl), copied into the container's /tmp.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *n = argv[i];
    long r;
    errno = 0;
    if (!strcmp(n, "keyctl")) r = syscall(SYS_keyctl, 0, 0, 0, 0, 0);
    else if (!strcmp(n, "add_key")) r = syscall(SYS_add_key, 0, 0, 0, 0, 0);
    else if (!strcmp(n, "request_key")) r = syscall(SYS_request_key, 0, 0, 0, 0);
    else if (!strcmp(n, "setns")) r = syscall(SYS_setns, -1, 0);
    else if (!strcmp(n, "clock_settime")) r = syscall(SYS_clock_settime, -1, 0);
    else if (!strcmp(n, "unshare")) r = syscall(SYS_unshare, CLONE_NEWUSER);
    else continue;
    printf("sys.%s=%s\n", n, r >= 0 ? "0" : errno == EPERM ? "EPERM" : strerror(errno));
  }
  return 0;
}
