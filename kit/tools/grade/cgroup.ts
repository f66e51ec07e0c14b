// One cgroup per grading child, with a memory and a pids limit, so that a
// memory hog or a fork bomb in student code hits the cgroup's wall and not the
// machine's. The layout (v1, v2, hybrid) comes from kit/host/cgroup/detect.ts; this
// module only needs "make, limit, list, kill all, remove".
// The cgroup is recorded in the ledger before it is made; kit/host/reclaim.ts's
// 'cgroup' reclaimer (kit/host/cgroup/) removes it after a SIGKILLed grader.

import fs from 'node:fs';
import path from 'node:path';
import { detectLayout, type CgroupLayout } from '../../host/cgroup/detect.ts';
import type { Ledger } from '../../core/ledger.ts';

export interface JailLimits {
  memoryBytes: number;
  pids: number;
}

/** What the grading engine needs from a cgroup; kit/host/cgroup may provide it later. */
export interface Jail {
  /** cgroup.procs files the child writes its own pid into before it execs */
  readonly procsFiles: string[];
  pids(): number[];
  /** the kernel OOM-killed a process in it */
  oomKilled(): boolean;
  /** a fork failed because of the pids limit */
  pidsLimitHit(): boolean;
  /** kill every process in it and wait until it is empty */
  killAll(): Promise<void>;
  remove(): Promise<void>;
}

export type JailFactory = (name: string, limits: JailLimits) => Jail;

interface Dirs {
  memory: string;
  pids: string;
  /**
   * v1: the jail's own group in the cpu hierarchy, with the default weight
   * and no quota. Without it every task of every jail competes on its own, so
   * a fork bomb's hundreds of processes take the CPUs from a neighbour's
   * checks; as one group per jail, jails share the CPUs evenly. (On v2 the
   * jail's directory is that group already, when the root delegates cpu.)
   */
  cpu?: string;
  /** v2: one directory holds both */
  v2: boolean;
}

function dirsFor(layout: CgroupLayout, name: string): Dirs {
  // pure v2, or a hybrid whose unified hierarchy has the controllers
  const unifiedHas = (c: string) => layout.unified !== undefined && readOr(path.join(layout.unified, 'cgroup.controllers')).split(/\s+/).includes(c);
  if (layout.kind === 'v2' || (unifiedHas('memory') && unifiedHas('pids') && !layout.v1.memory)) {
    const dir = path.join(layout.unified as string, name);
    return { memory: dir, pids: dir, v2: true };
  }
  const mem = layout.v1.memory;
  const pids = layout.v1.pids;
  if (!mem || !pids) throw new Error('the grader needs the memory and pids cgroup controllers');
  const cpu = layout.v1.cpu;
  return { memory: path.join(mem.mountPoint, name), pids: path.join(pids.mountPoint, name), cpu: cpu && path.join(cpu.mountPoint, name), v2: false };
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A jail in the machine's real cgroup tree, recorded in `ledger` first. */
export function cgroupJailFactory(ledger: Ledger, layout: CgroupLayout = detectLayout()): JailFactory {
  return (name, limits) => {
    const d = dirsFor(layout, name);
    const paths = [...new Set([d.memory, d.pids, ...(d.cpu ? [d.cpu] : [])])];
    const entry = ledger.record({ kind: 'cgroup', paths });
    for (const p of paths) fs.mkdirSync(p);
    if (d.v2) {
      fs.writeFileSync(path.join(d.memory, 'memory.max'), String(limits.memoryBytes));
      // no swap for the jail: a hog is killed at the limit instead of thrashing
      if (fs.existsSync(path.join(d.memory, 'memory.swap.max'))) fs.writeFileSync(path.join(d.memory, 'memory.swap.max'), '0');
      fs.writeFileSync(path.join(d.pids, 'pids.max'), String(limits.pids));
    } else {
      fs.writeFileSync(path.join(d.memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
      fs.writeFileSync(path.join(d.pids, 'pids.max'), String(limits.pids));
    }
    const procsFiles = paths.map((p) => path.join(p, 'cgroup.procs'));
    const pids = () => [...new Set(procsFiles.flatMap((f) => readOr(f).split('\n').filter(Boolean).map(Number)))];
    const oomBase = oomCount(d);
    // killAll lowers pids.max to 1, which itself makes forks fail: remember the state before
    let pidsHitBeforeKill = false;
    let killing = false;
    const pidsRefused = () => Number(/^max (\d+)$/m.exec(readOr(path.join(d.pids, 'pids.events')))?.[1] ?? 0) > 0;

    return {
      procsFiles,
      pids,
      oomKilled: () => (oomCount(d) ?? 0) > (oomBase ?? 0),
      // pids.events "max N": forks refused at pids.max (same file on v1 and v2)
      pidsLimitHit: () => (killing ? pidsHitBeforeKill : pidsRefused()),
      async killAll() {
        if (!killing) pidsHitBeforeKill = pidsRefused();
        killing = true;
        // freeze the population first: with pids.max at 1, a fork bomb cannot
        // replace the processes we kill faster than we kill them
        try {
          fs.writeFileSync(path.join(d.pids, 'pids.max'), '1');
        } catch {
          // gone already
        }
        const killFile = path.join(d.pids, 'cgroup.kill');
        if (d.v2 && fs.existsSync(killFile)) fs.writeFileSync(killFile, '1');
        for (let round = 0; round < 200; round++) {
          const left = pids();
          if (left.length === 0) return;
          for (const pid of left) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // exited meanwhile
            }
          }
          await sleep(round < 10 ? 5 : 25);
        }
      },
      async remove() {
        await this.killAll();
        for (const p of paths) {
          // rmdir fails with EBUSY while the last killed process is still being reaped
          for (let i = 0; i < 100; i++) {
            try {
              fs.rmdirSync(p);
              break;
            } catch (err) {
              const code = (err as NodeJS.ErrnoException).code;
              if (code === 'ENOENT') break;
              if (i === 99) throw err;
              await sleep(20);
            }
          }
        }
        ledger.forget(entry);
      },
    };
  };
}

function oomCount(d: Dirs): number | undefined {
  if (d.v2) {
    const m = /^oom_kill (\d+)$/m.exec(readOr(path.join(d.memory, 'memory.events')));
    return m ? Number(m[1]) : undefined;
  }
  const m = /^oom_kill (\d+)$/m.exec(readOr(path.join(d.memory, 'memory.oom_control')));
  return m ? Number(m[1]) : undefined;
}
