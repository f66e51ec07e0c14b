// The student API: the one module that steps/ and solutions/ may import.
//
// It holds tools, never answers (DESIGN.md, "The student API"): the child
// operation builders named as in the man pages, zx's `$` for host commands,
// the `ip` tag, the ledger, the run's facts, and facts about the host that are
// not the exercise (where the cgroup hierarchies are mounted, which version).
// Nothing exported here may run a reference sequence: the helpers the grader,
// the bench and perf need live where steps/ cannot import them.
//
// (Seed: the engineers of issues 15 and 18 fill it in; re-export, don't define.)

export { chdir, mkdir, mknod, mount, pivot_root, sethostname, setdomainname, symlink, umount2, rmdir, write_file, chroot } from './ops.ts';
export type { ChildOp, MountFlagName, UmountFlagName, FileTypeName } from './ops.ts';
export { todo } from './todo.ts';
export type { StepDefinition, RunContext, ContainerSpec, PausedChild, CloneFlagName } from './types.ts';
// zx's `$`, traced: each command and its exit status go into the run's trace,
// marked with the step line that ran it (`npm run step N -- --trace`).
export { $ } from './shell.ts';
