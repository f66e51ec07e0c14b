// Where a benchmark command runs: the host, the student's container, or LXC.
// The runner only knows this interface, so each environment is one small
// module and the comparison stays fair: same argv, same working files.

import fs from 'node:fs';
import type { SeenCgroupLimits } from '../../host/cgroup/inspect.ts';
import type { FsIdentity, NamespaceIds, ProcessProbe } from './probe.ts';

export type EnvName = 'host' | 'container' | 'lxc';
export const ENV_ORDER: readonly EnvName[] = ['host', 'container', 'lxc'];

export interface EnvRunOptions {
  /** working directory *inside* the environment (fileio's files live there) */
  cwd: string;
}

/** Where a sysbench process really ran, read from the host while it ran. */
export interface RunEvidence {
  /** namespaces of the sysbench process */
  nsIds?: NamespaceIds;
  /** its /proc/PID/cgroup */
  cgroup?: string;
  /** the filesystem of its working directory */
  cwdFs?: FsIdentity;
  /** host pid of the sysbench process */
  pid?: number;
  /** its command line */
  cmdline?: string[];
  /** the cgroup limits it ran under */
  limits?: SeenCgroupLimits;
}

export interface EnvRunResult extends RunEvidence {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface BenchEnvironment {
  name: EnvName;
  /** one line for the report, e.g. 'LXC 5.0.2 busybox container cw-bench-1a2b3c' */
  description: string;
  /** where fileio's files go, inside the environment */
  workDir: string;
  /** make it ready (create the LXC container, the working directory...) */
  setup(): Promise<void>;
  run(argv: string[], opts: EnvRunOptions): Promise<EnvRunResult>;
  /** undo setup; safe to call twice and after a failed setup */
  teardown(): Promise<void>;
  /** what the report should know: limits, filesystem, versions */
  facts(): Record<string, unknown>;
  /** free bytes where the files go (after setup), so fileio's files fit everywhere */
  freeBytes?(): Promise<number | undefined>;
}

/** An environment that cannot run here, and why. */
export interface UnavailableEnvironment {
  name: EnvName;
  note: string;
  /** the command that would make it available, e.g. 'sudo apt-get install lxc' */
  install?: string;
}

export const fromProbe = (p: ProcessProbe | undefined): Pick<EnvRunResult, 'nsIds' | 'cgroup' | 'cwdFs' | 'pid' | 'cmdline' | 'limits'> =>
  p
    ? {
        nsIds: p.ns,
        cgroup: p.cgroup,
        pid: p.pid,
        cmdline: p.cmdline,
        ...(p.cwd ? { cwdFs: p.cwd } : {}),
        ...(p.limits ? { limits: p.limits } : {}),
      }
    : {};

/** Free bytes of the filesystem holding `dir` (statfs(2)), as seen from the host. */
export function statfsFree(dir: string): number | undefined {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/** The "Available" column (KiB) of `df -k` output, in bytes. */
export function dfAvailable(output: string): number | undefined {
  const last = output.trim().split('\n').at(-1)?.trim().split(/\s+/);
  // busybox and coreutils: Filesystem 1K-blocks Used Available Use% Mounted-on
  const kib = last && last.length >= 6 ? Number(last[last.length - 3]) : NaN;
  return Number.isFinite(kib) ? kib * 1024 : undefined;
}

/**
 * Run argv in `cwd` through a shell that exists in every environment, without
 * building a shell string: the directory and the command stay separate argv
 * entries ("$1" and "$@"), so no quoting can go wrong.
 */
export const inDirectory = (cwd: string, argv: string[]): string[] => [
  '/bin/sh',
  '-c',
  'cd "$1" && shift && exec "$@"',
  'sh',
  cwd,
  ...argv,
];
