// One cgroup per grading child, with a memory and a pids limit, so that a
// memory hog or a fork bomb in student code hits the cgroup's wall and not the
// machine's. The cgroup is the kit's (kit/host/cgroup's createCgroup, v1, v2
// and hybrid): recorded in the ledger before it is made, removed by the
// 'cgroup' reclaimer after a SIGKILLed grader. It sits at each hierarchy's
// root, not below the kit's parent: on v1 it has a directory in the cpu
// hierarchy, with the default weight and no quota, and at the root each jail
// weighs as much as any other top-level group of the machine. Without a cpu
// group every task of every jail competes on its own, so a fork bomb's
// hundreds of processes take the CPUs from a neighbour's checks; as one group
// per jail, jails share the CPUs evenly. (On v2 the jail's directory is that
// group already.) This module only adds what grading asks of it: "did the
// kernel stop it, and why".

import path from 'node:path';
import type { Ledger } from '../../core/ledger.ts';
import { createCgroup, type CreateOptions } from '../../host/cgroup/index.ts';

export interface JailLimits {
  memoryBytes: number;
  pids: number;
}

/** What the grading engine needs from a cgroup. */
export interface Jail {
  /** cgroup.procs files the child writes its own pid into before it execs */
  readonly procsFiles: string[];
  pids(): number[];
  /** the kernel OOM-killed a process in it */
  oomKilled(): boolean;
  /** a fork failed because of the pids limit */
  pidsLimitHit(): boolean;
  /** kill every process in it and wait until it is empty; never throws */
  killAll(): Promise<void>;
  remove(): Promise<void>;
}

export type JailFactory = (name: string, limits: JailLimits) => Promise<Jail>;

/** A jail in the machine's real cgroup tree, recorded in `ledger` first. */
export function cgroupJailFactory(ledger: Ledger, opts: CreateOptions = {}): JailFactory {
  return async (name, limits) => {
    const cg = await createCgroup(ledger, name, { memoryBytes: limits.memoryBytes, pids: limits.pids }, { parent: '', ...opts });
    // read once the cgroup may be gone: a missing file counts as nothing seen
    const soft = <T>(read: () => T, none: T): T => {
      try {
        return read();
      } catch {
        return none;
      }
    };
    const ooms = () => soft(() => cg.usage().oomKills, 0);
    const oomBase = ooms();
    return {
      procsFiles: cg.paths.map((p) => path.join(p, 'cgroup.procs')),
      pids: () => soft(() => cg.procs(), []),
      oomKilled: () => ooms() > oomBase,
      // pids.events "max N": forks refused at pids.max (same file on v1 and v2)
      pidsLimitHit: () => soft(() => Number(/^max (\d+)$/m.exec(cg.read('pids', 'pids.events'))?.[1] ?? 0) > 0, false),
      // the grader calls it without waiting (a timeout, an abort): a cgroup still busy after the
      // kill's own time limit is removed, or reclaimed, later
      killAll: () => cg.killAll().catch(() => undefined),
      remove: () => cg.remove(),
    };
  };
}
