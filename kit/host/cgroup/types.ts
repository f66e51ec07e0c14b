// The one interface both cgroup drivers (v1, v2) implement, so that a step's
// code is the same on every machine.

import type { CgroupLayoutKind } from './detect.ts';

export interface IoLimit {
  /** the block device, as 'MAJOR:MINOR' (see `lsblk -o NAME,MAJ:MIN`) */
  device: string;
  /** bytes per second */
  read?: number;
  write?: number;
}

export interface CgroupLimits {
  /** hard memory limit; past it the kernel reclaims, then OOM-kills inside the cgroup */
  memoryBytes?: number;
  /** CPU bandwidth as a fraction of one CPU (0.5 = half a CPU, 2 = two CPUs) */
  cpuFraction?: number;
  /** most processes (and threads) alive at once; fork() fails with EAGAIN past it */
  pids?: number;
  /** relative CPU share under contention, v2 units: 1..10000, default 100 */
  cpuWeight?: number;
  ioBps?: IoLimit;
}

export interface CgroupUsage {
  /** CPU time used by every process that ever ran inside, in microseconds */
  cpuUsec: number;
  /** highest memory use seen (undefined when the kernel does not track it: v2 before 5.19) */
  memoryPeakBytes?: number;
  /** processes the OOM killer killed inside */
  oomKills: number;
}

export interface Cgroup {
  /** the per-run name, e.g. 'run-1a2b3c' */
  readonly name: string;
  /** which files this cgroup uses: 'v2' (unified) or 'v1' (also on hybrid machines) */
  readonly driver: 'v1' | 'v2';
  /** what the machine has */
  readonly layout: CgroupLayoutKind;
  /** every directory of this cgroup: one on v2, one per hierarchy on v1 */
  readonly paths: readonly string[];
  /** the controllers it uses (v1: each in some hierarchy of paths) */
  readonly controllers: readonly string[];
  readonly limits: Readonly<CgroupLimits>;
  /** the directory holding a controller's files */
  dirFor(controller: string): string;
  /** the cgroup's path as /proc/PID/cgroup shows it, for a controller (v2: any) */
  procPath(controller: string): string;
  /**
   * Write one control file, e.g. write('memory', 'memory.max', '268435456').
   * The controller picks the directory (on v1 each has its own hierarchy);
   * a file this version does not have is an error that names the right one.
   */
  write(controller: string, file: string, value: string): void;
  /** read one control file (trimmed) */
  read(controller: string, file: string): string;
  /**
   * Make the memory limit a wall: no escape into swap (v2 memory.swap.max = 0;
   * v1 memory.memsw.limit_in_bytes = the memory limit). Call it after the memory
   * limit is set. Nothing to do when the kernel has no swap accounting.
   */
  forbidSwap(): void;
  /** move a process (all its threads) in: write its pid to cgroup.procs */
  addProcess(pid: number): void;
  /** pids inside (on v1, of every hierarchy used) */
  procs(): number[];
  usage(): CgroupUsage;
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** SIGKILL everything inside and wait until it is empty */
  killAll(timeoutMs?: number): Promise<void>;
  /** killAll, then rmdir on every hierarchy; forgets the ledger entry */
  remove(): Promise<void>;
}

/** One file a driver writes to apply a limit. */
export interface LimitWrite {
  controller: string;
  file: string;
  value: string;
  /** written only if the kernel offers the file (e.g. swap limits need swap accounting) */
  optional?: boolean;
}
