// What both drivers share: the ledger entry, writing limits, membership,
// killing and removal. The version-specific parts are small subclasses.

import path from 'node:path';
import type { Ledger } from '../../core/ledger.ts';
import type { CgroupLayoutKind } from './detect.ts';
import { KitError } from '../../core/errors.ts';
import { CGROUP_PAGE, errText, noSuchFile, valueHint, writeFailed } from './errors.ts';
import { errnoCode, type CgroupHost } from './host.ts';
import { destroyTree, killTree, procsOf } from './tree.ts';
import type { Cgroup, CgroupLimits, CgroupUsage, LimitWrite } from './types.ts';

export interface CgroupInit {
  host: CgroupHost;
  ledger: Ledger;
  ledgerId: number;
  name: string;
  layout: CgroupLayoutKind;
  paths: string[];
  controllers: string[];
  limits: CgroupLimits;
}

export abstract class BaseCgroup implements Cgroup {
  abstract readonly driver: 'v1' | 'v2';
  private removed = false;

  readonly name: string;
  readonly layout: CgroupLayoutKind;
  readonly paths: readonly string[];
  readonly controllers: readonly string[];
  readonly limits: Readonly<CgroupLimits>;
  protected readonly host: CgroupHost;
  private readonly ledger: Ledger;
  private readonly ledgerId: number;

  constructor(init: CgroupInit) {
    this.name = init.name;
    this.layout = init.layout;
    this.paths = init.paths;
    this.controllers = init.controllers;
    this.limits = init.limits;
    this.host = init.host;
    this.ledger = init.ledger;
    this.ledgerId = init.ledgerId;
  }

  abstract dirFor(controller: string): string;
  abstract procPath(controller: string): string;
  abstract usage(): CgroupUsage;
  abstract freeze(): Promise<void>;
  abstract thaw(): Promise<void>;

  abstract forbidSwap(): void;

  /** Write each limit to its file; optional files are skipped when the kernel does not offer them. */
  applyLimits(writes: LimitWrite[]): void {
    for (const w of writes) {
      if (w.optional && !this.host.exists(path.join(this.dirFor(w.controller), w.file))) continue;
      this.write(w.controller, w.file, w.value);
    }
  }

  write(controller: string, file: string, value: string): void {
    const dir = this.dirFor(controller);
    const f = path.join(dir, file);
    if (!this.host.exists(f)) throw noSuchFile(file, dir, this.driver, this.layout);
    try {
      this.host.write(f, value);
    } catch (err) {
      throw writeFailed(f, value, err, errnoCode(err) === 'EINVAL' ? valueHint(file) : undefined);
    }
  }

  read(controller: string, file: string): string {
    return this.host.read(path.join(this.dirFor(controller), file)).trim();
  }

  addProcess(pid: number): void {
    for (const dir of this.paths) {
      const file = path.join(dir, 'cgroup.procs');
      try {
        this.host.write(file, String(pid));
      } catch (err) {
        if (errnoCode(err) === 'ESRCH') {
          throw new KitError(`Process ${pid} could not join the cgroup ${dir}: it does not exist (any more).`, {
            hint: "Add the container's first process while it waits on its sync pipe (in the setup hook), using the host pid.",
            page: `${CGROUP_PAGE}#joining-the-cgroup`,
            cause: err,
          });
        }
        throw writeFailed(file, String(pid), err, `Moving a process in needs root and a cgroup that exists (${errText(err)}).`);
      }
    }
  }

  procs(): number[] {
    return procsOf(this.host, this.paths);
  }

  killAll(timeoutMs?: number): Promise<void> {
    return killTree(this.host, this.paths, timeoutMs);
  }

  async remove(): Promise<void> {
    if (this.removed) return;
    await destroyTree(this.host, this.paths);
    this.removed = true;
    this.ledger.forget(this.ledgerId);
  }

  protected readNumber(controller: string, file: string): number | undefined {
    const f = path.join(this.dirFor(controller), file);
    if (!this.host.exists(f)) return undefined;
    const n = Number(this.host.read(f).trim());
    return Number.isFinite(n) ? n : undefined;
  }

  /** 'key value' lines (cpu.stat, memory.events, memory.oom_control) */
  protected readKeyed(controller: string, file: string): Record<string, number> {
    const f = path.join(this.dirFor(controller), file);
    const out: Record<string, number> = {};
    if (!this.host.exists(f)) return out;
    for (const line of this.host.read(f).split('\n')) {
      const [k, v] = line.trim().split(/\s+/);
      if (k && v !== undefined) out[k] = Number(v);
    }
    return out;
  }
}
