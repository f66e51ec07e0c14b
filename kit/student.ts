// The student API: the one module that steps/ and solutions/ may import
// (besides Node's own node:* modules). kit/core/student-imports.ts enforces it
// when a step file is loaded, and test/unit/student-api.test.ts keeps it so.
//
// It holds tools, never answers (DESIGN.md, "The student API"): the child
// operation builders named as in the man pages, zx's `$` for host commands,
// the `ip` tag, the ledger (ctx.ledger: record a resource before creating
// it), the run's facts, and facts about the host that are not the exercise
// (where the cgroup hierarchies are mounted, which version). Nothing exported
// here runs a reference sequence: the helpers the grader, the bench and perf
// need (attachHomeImage, createCgroup, setupCommands, the limit tables) stay
// in their kit modules, which a step cannot import.
//
// Re-export, don't define: each tool has one owner module.

// -- every step: the lifecycle's types, todo()
export { todo } from './core/todo.ts';
export type {
  StepDefinition,
  RunContext,
  RunOptions,
  StepOptions,
  OptionSpec,
  ContainerSpec,
  PausedChild,
  CloneFlagName,
} from './core/types.ts';
// -- the run's facts, typed (kit/host/facts.ts: which step keeps which), and need(ctx, 'home') to read one a step needs
export { need } from './core/types.ts';
export type { CgroupFacts, HomeFacts } from './host/facts.ts';
export type { Resource } from './core/ledger.ts';

// -- child operations (steps 1, 2): one syscall each, run by the shim in the child
export {
  chdir,
  mkdir,
  mknod,
  mount,
  pivot_root,
  sethostname,
  setdomainname,
  symlink,
  umount2,
  rmdir,
  write_file,
  chroot,
} from './core/ops.ts';
export type { ChildOp, MountFlagName, UmountFlagName, FileTypeName } from './core/ops.ts';

// -- host commands (steps 2, 3): zx's $, with values interpolated by zx, never a shell string;
// traced: each command and its exit status go into the run's trace, marked with
// the step line that ran it (`npm run step N -- --trace`).
export { $ } from './core/shell.ts';

// -- step 2: the rootfs, and the kit's part of the /home image (path, size, lock, repairs)
export { ensureRootfs } from './host/image/rootfs.ts';
export { claimHomeImage, HOME_IMAGE_OPTIONS, type HomeImageClaim } from './host/image/home.ts';

// -- step 3: the per-run names and subnet, the ip tag, running the commands the student wrote
export { ip, type IpCommand } from './host/net/ip.ts';
export { allocateNetwork, connectNetwork, disconnectNetwork, NET_OPTIONS, netFacts, type NetFacts } from './host/net/setup.ts';

// -- step 4: where the hierarchies are, the options in numbers, the usage line, the extras
export { cgroupHierarchies, type CgroupController, type CgroupHierarchies } from './host/cgroup/hierarchies.ts';
export { CGROUP_OPTIONS, cgroupOptions, type CgroupOptions } from './host/cgroup/options.ts';
export { cpuQuota, weightToShares } from './host/cgroup/limits.ts';
export { reportUsage } from './host/cgroup/report.ts';
export { cancelPause, forbidSwap, limitHomeIo, pauseLater, type RunCgroup } from './host/cgroup/extras.ts';
export type { CgroupUsage } from './host/cgroup/types.ts';

// -- step 5: the shape of the benchmark step
export type { BenchStep } from './tools/bench/step.ts';

// -- step 6 (user namespace) and step 7 (hardening): one syscall each, the host's uid option, capability and seccomp vocabulary
export { unshare, wait_for_host, setgroups, setresgid, setresuid, chown, prctl, capset, seccomp } from './core/ops.ts';
export type { PrctlOption, PrctlArgName, SockFilter } from './core/ops.ts';
export { USERNS_OPTIONS, usernsOptions, type UsernsOptions } from './host/userns.ts';
export { CAPABILITIES, capNumber, lastCap, type CapName } from './core/caps.ts';
export { BPF_JUMP, BPF_STMT, bpfConstant, seccompData, syscallNumber } from './core/seccomp.ts';
