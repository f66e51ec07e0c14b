// The contracts every part of the kit shares: what a step is, what a container
// is made of before it starts, and what a check reports. Plain data + functions.

import type { ChildOp, CloneFlagName } from './ops.ts';
import type { Ledger } from './ledger.ts';
import { KitError } from './errors.ts';

// the clone flags are declared with the child operations (unshare and setns take them too)
export type { CloneFlagName } from './ops.ts';

/**
 * The steps' options, typed: what `npm run step N -- --name value` gives a
 * step, already checked and converted (a size in bytes, a number as a number).
 * Each option is declared once, by whoever reads it (StepOptions below: the
 * step's own file for step 1's hostname, the kit module for the others), and
 * the steps that use it list that declaration in their `options`; the CLI's
 * help and validation are made from those declarations. An option not given
 * is undefined here: its reader falls back on the declared default.
 */
export interface StepOptionValues {
  /** step 1: the container's hostname (--hostname) */
  hostname?: string;
  /** step 2: size of the /home image in bytes (--home-size 64M) */
  homeSize?: number;
  /** step 2: the /home image file, a name in state/images/ or a path (--home-image) */
  homeImage?: string;
  /** step 2: recreate a damaged or too small image without asking (--recreate-image) */
  recreateImage?: boolean;
  /** step 3: the pool the run's subnet comes from, a CIDR (--subnet-pool) */
  subnetPool?: string;
  /** step 3: prefix length of each run's subnet (--subnet-prefix) */
  subnetPrefix?: number;
  /** step 3: one `ip -batch` per namespace, or one `ip` per command (--ip-mode) */
  ipMode?: 'batch' | 'each';
  /** step 4: memory limit in bytes (--memory 256M) */
  memory?: number;
  /** step 4: CPU quota in CPUs (--cpus 0.5) */
  cpus?: number;
  /** step 4: process limit (--pids) */
  pids?: number;
  /** step 4 extra: CPU weight under contention, 1..10000 (--cpu-weight) */
  cpuWeight?: number;
  /** step 4 extra: read/write limit on the /home loop device, bytes per second (--io-bps 10M) */
  ioBps?: number;
  /** step 4 extra: freeze the container this many seconds after it starts (--pause-after) */
  pauseAfter?: number;
  /** step 4 extra: ... for this many seconds (--pause-for) */
  pauseFor?: number;
  /** step 6: host uid and gid of root inside the user namespace (--uid-base) */
  uidBase?: number;
}

/** What a run is given: the steps' options, and the kit's own. */
export interface RunOptions extends StepOptionValues {
  /** Command run inside the container; default: an interactive shell. */
  argv: string[];
  /** Use solutions/ instead of the student's steps/. */
  solution: boolean;
  /** Directory holding the step files (steps/ or solutions/ or a grading workspace). */
  stepsDir: string;
  /** --yes: accept an offered fix (e.g. repairing the /home image) without asking */
  yes?: boolean;
  /** no `cw ...` notes on stderr (checks, bench, perf) */
  quiet?: boolean;
}

/** How an option's value is written on the command line, and what the step gets. */
export type OptionType =
  /** text, as typed */
  | 'string'
  /** a number, e.g. 0.5 */
  | 'number'
  /** a whole number, e.g. 64 */
  | 'integer'
  /** a size with a unit, e.g. 64M (K, M, G, T: powers of 1024), given to the step in bytes */
  | 'size'
  /** a flag without a value, e.g. --recreate-image */
  | 'boolean'
  /** one of `values` */
  | 'enum';

/** What every option's declaration has, whatever its type. */
interface OptionBase<T> {
  /** one line for the CLI's help */
  help: string;
  /** the value when the option is not given (none: the option is off or unset) */
  default?: T;
  /** the value's name in the help, e.g. SIZE (default: the type's) */
  placeholder?: string;
}

/** The declaration of one option whose value has the type T. */
export type OptionSpec<T> = [T] extends [boolean]
  ? { type: 'boolean' } & OptionBase<boolean>
  : [T] extends [number]
    ? { type: 'number' | 'integer' | 'size' } & OptionBase<number>
    : [T] extends [string]
      ? string extends T
        ? { type: 'string' } & OptionBase<string>
        : { type: 'enum'; values: readonly T[] } & OptionBase<T>
      : never;

/** Any option's declaration (what the CLI reads). */
export type AnyOptionSpec =
  | OptionSpec<boolean>
  | OptionSpec<number>
  | OptionSpec<string>
  | ({ type: 'enum'; values: readonly string[] } & OptionBase<string>);

/** A step's options: name (as in ctx.options; the CLI spells it --kebab-case) -> declaration. */
export type StepOptions = { [K in keyof StepOptionValues]?: OptionSpec<NonNullable<StepOptionValues[K]>> };

/**
 * What the steps leave for later steps, for the kit and for the checks:
 * `ctx.facts.home`, `ctx.facts.net`, ... Each fact's type is declared next to
 * its owner and added to this interface there (kit/host/facts.ts lists them
 * all); a step reads one it needs with `need(ctx, 'home')`.
 */
export interface RunFacts {}

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
  readonly facts: RunFacts;
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
  /** the options this step reads, or that the kit functions it calls read (the CLI's help and validation come from these) */
  options?: StepOptions;
  prepare?(ctx: RunContext): Promise<void> | void;
  configure?(ctx: RunContext, spec: ContainerSpec): void;
  setup?(ctx: RunContext, child: PausedChild): Promise<void> | void;
  /** host work while the released child waits at a wait_for_host(label) op (step 6: uid_map) */
  whileChildWaits?(ctx: RunContext, child: PausedChild, label: string): Promise<void> | void;
  teardown?(ctx: RunContext): Promise<void> | void;
}

/**
 * A fact a step needs, typed: `const home = need(ctx, 'home')`. When no step
 * has set it yet, a clear error says which fact and where to look, instead of
 * "cannot read properties of undefined" later.
 */
export function need<K extends keyof RunFacts>(ctx: RunContext, key: K): NonNullable<RunFacts[K]> {
  const value = ctx.facts[key];
  if (value === undefined || value === null) {
    throw new KitError(`ctx.facts.${String(key)} is not set: the step that provides it has not run yet, or did not keep it there.`, {
      hint: `Set ctx.facts.${String(key)} in the earlier step (kit/host/facts.ts says which one and what it holds), and read it only in a later hook.`,
      page: '/guide/design#facts',
    });
  }
  return value as NonNullable<RunFacts[K]>;
}
