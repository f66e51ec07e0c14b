// The contracts every part of the kit shares: what a step is, what a container
// is made of before it starts, and what a check reports. Plain data + functions.

import type { ChildOp, CloneFlagName } from './ops.ts';
import type { Ledger } from './ledger.ts';

// the clone flags are declared with the child operations (unshare and setns take them too)
export type { CloneFlagName } from './ops.ts';

/** Options a user passes on the command line (`npm run step 3 -- --memory 128M`). */
export interface RunOptions {
  /** Command run inside the container; default: an interactive shell. */
  argv: string[];
  /** Use solutions/ instead of the student's steps/. */
  solution: boolean;
  /** Directory holding the step files (steps/ or solutions/ or a grading workspace). */
  stepsDir: string;
  /** Free-form options of individual steps (hostname, memory, subnet, image size ...). */
  [key: string]: unknown;
}

/** Everything one container run knows; shared by all the steps composed into it. */
export interface RunContext {
  /** Short per-run id (hex), used in every host-side name: veth, cgroup, netns. */
  readonly runId: string;
  readonly options: RunOptions;
  /** The kit's git-ignored state folder (rootfs, images, ledgers). */
  readonly stateDir: string;
  /** Every host resource is recorded here *before* it is created. */
  readonly ledger: Ledger;
  /** Where steps leave values for later steps and for checks (addresses, paths ...). */
  readonly facts: Record<string, unknown>;
  /** The lifecycle's: false until the container's command was exec'd (so false in the teardown of a failed start). */
  started?: boolean;
}

/** What the container will be, built up by the steps' `configure` hooks. */
export interface ContainerSpec {
  /** CLONE_NEW* flag names, e.g. ['CLONE_NEWPID', 'CLONE_NEWUTS']. */
  cloneFlags: Set<CloneFlagName>;
  /** Run in the child, in order, after the host has released it, before execve. */
  ops: ChildOp[];
  /** The command to exec (argv[0] is searched in PATH from env). */
  argv: string[];
  env: Record<string, string>;
}

/** The child between clone() and release: paused on its sync pipe. */
export interface PausedChild {
  /** pid as seen from the host. */
  readonly pid: number;
}

/**
 * One numbered step. Hooks run in the lifecycle order of DESIGN.md:
 * prepare (host, before clone) -> configure (flags, child ops) -> spawn ->
 * setup (host, child paused) -> release -> wait -> teardown (reverse order, always).
 */
export interface StepDefinition {
  /** 1..7 (6 and 7: beyond the lab) */
  id: number;
  /** short slug, e.g. 'pid' */
  name: string;
  title: string;
  /** site page path that explains this step, e.g. '/steps/01-pid' */
  page: string;
  prepare?(ctx: RunContext): Promise<void> | void;
  configure?(ctx: RunContext, spec: ContainerSpec): void;
  setup?(ctx: RunContext, child: PausedChild): Promise<void> | void;
  /** host work while the released child waits at a wait_for_host(label) op (step 6: uid_map) */
  whileChildWaits?(ctx: RunContext, child: PausedChild, label: string): Promise<void> | void;
  teardown?(ctx: RunContext): Promise<void> | void;
}
