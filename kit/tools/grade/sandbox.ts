// The command line that runs one grading child in a sandbox:
//   unshare --mount --uts --ipc --net --propagation private  (util-linux)
//   sh -c SANDBOX_SCRIPT  node ... check N --json --steps-dir WS/steps
// The script, still before any student code runs:
//  1. writes its own pid into the jail's cgroup.procs files (so everything
//     after it, node and whatever the student's code forks, is limited);
//  2. binds the few writable folders onto themselves (the workspace's state),
//     puts fresh tmpfs on /tmp (unless the kit lives there), /dev/shm and /run;
//  3. remounts / and /sys read-only in this private mount namespace, so the
//     student's code cannot change the instructor's kit, checks, other
//     workspaces or anything else on the host's disk;
//  4. brings up loopback in its own network namespace and execs the command.
// A /run of its own: `ip netns attach` (the student's step 3) needs
// /run/netns, which does not exist after a boot until the first `ip netns`
// command creates it. Where /run is a folder of the root filesystem (this
// kind of VM), / turns read-only before anyone could create it: "mkdir
// /run/netns failed: Read-only file system" (issue 13). A fresh tmpfs on /run
// is writable whatever the host's state, creates nothing on the host (no
// /run/netns there, unlike an mkdir before the remount would), and keeps one
// student's /run (netns names, lock files) from the host and the others.
// Private UTS/IPC/net namespaces: a hostname set without CLONE_NEWUTS, a veth
// or a subnet from one student never meets the host or another student, and
// the veths vanish with the namespace. The mounts vanish with the mount
// namespace when its last process dies.
// Limits of this sandbox (documented in the instructor guide): code running as
// root can still undo it on purpose (cgroups and /proc are writable for the
// checks' sake); it protects against accidents and casual cheating, a VM or
// GitHub Classroom's runners protect against a determined attacker.

export const SANDBOX_SCRIPT = `set -eu
printf '%s\\n' "$CW_SB_PROCS" | while IFS= read -r f; do [ -z "$f" ] || echo $$ > "$f"; done
printf '%s\\n' "$CW_SB_RW" | while IFS= read -r d; do [ -z "$d" ] || mount --bind "$d" "$d"; done
if [ -z "\${CW_SB_KEEP_TMP:-}" ]; then mount -t tmpfs -o size=$CW_SB_TMP_SIZE,mode=1777 cw-grade-tmp /tmp; fi
mount -t tmpfs -o size=16m,mode=1777 cw-grade-shm /dev/shm
mount -t tmpfs -o size=16m,mode=755 cw-grade-run /run
mount -o remount,bind,ro /
mount -o remount,bind,ro /sys
printf '%s\\n' "$CW_SB_RO" | while IFS= read -r d; do [ -z "$d" ] || { mount --rbind "$d" "$d"; mount -o remount,bind,ro "$d"; }; done
ip link set lo up
exec "$@"
`;

export interface SandboxSpec {
  /** cgroup.procs files to join */
  procsFiles: string[];
  /** folders that stay writable (bound onto themselves before / turns read-only) */
  writable: string[];
  tmpSize: string;
  /**
   * Leave the host's /tmp in place (list it in `writable` to keep it
   * writable): needed when the kit or the workspace lives under /tmp, which a
   * fresh tmpfs would hide from the child.
   */
  keepHostTmp?: boolean;
  /**
   * Folders made read-only on their own (recursively bound first, so that
   * writable folders inside them stay writable): the kit when it lives on a
   * writable /tmp.
   */
  readOnly?: string[];
  argv: string[];
}

/** argv for spawn(): runs spec.argv inside the sandbox. */
export function sandboxArgv(spec: SandboxSpec): { argv: string[]; env: Record<string, string> } {
  return {
    argv: [
      'unshare',
      '--mount',
      '--uts',
      '--ipc',
      '--net',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      SANDBOX_SCRIPT,
      'cw-grade-sandbox',
      ...spec.argv,
    ],
    env: {
      CW_SB_PROCS: spec.procsFiles.join('\n'),
      CW_SB_RW: spec.writable.join('\n'),
      CW_SB_RO: (spec.readOnly ?? []).join('\n'),
      CW_SB_TMP_SIZE: spec.tmpSize,
      ...(spec.keepHostTmp ? { CW_SB_KEEP_TMP: '1' } : {}),
    },
  };
}
