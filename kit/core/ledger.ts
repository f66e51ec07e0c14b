// The resource ledger (DESIGN.md "Resources and cleanup"): every host resource
// is written to a per-run state file *before* it is created, so that a run that
// dies halfway (even by SIGKILL) leaves a list someone else can reclaim.
// One file per run: concurrent runs never write the same file.

import fs from 'node:fs';
import path from 'node:path';
import { processStartTime } from './proc-stat.ts';

export type Resource =
  | { kind: 'mount'; target: string }
  | { kind: 'loop'; backingFile: string; device?: string; runId?: string }
  | { kind: 'veth'; name: string }
  | { kind: 'netns'; name: string }
  | { kind: 'cgroup'; paths: string[] }
  | { kind: 'process'; pid: number; startTime?: string }
  | { kind: 'path'; path: string }
  | { kind: 'lxc'; name: string }
  | { kind: 'hostname'; value: string };

export type ResourceKind = Resource['kind'];
export type LedgerEntry = Resource & { id: number };

export interface LedgerFile {
  runId: string;
  ownerPid: number;
  ownerStartTime: string;
  createdAt: string;
  entries: LedgerEntry[];
  /** the container's first process, for `npm run ps` and `npm run exec` (not a resource: it dies with the kit) */
  container?: ContainerNote;
}

export interface ContainerNote {
  pid: number;
  startTime: string;
  /** the highest step composed into it */
  step: number;
  stepsDir: string;
}

/** Removes one resource; must be idempotent (the resource may be half made or gone). */
export type Reclaimer = (entry: LedgerEntry) => Promise<void>;

export class Ledger {
  readonly file: string;
  private data: LedgerFile;
  private nextId = 1;
  private written = false;

  constructor(
    readonly runsDir: string,
    readonly runId: string,
  ) {
    this.file = path.join(runsDir, `${runId}.json`);
    this.data = {
      runId,
      ownerPid: process.pid,
      ownerStartTime: processStartTime(process.pid) ?? '',
      createdAt: new Date().toISOString(),
      entries: [],
    };
    // the file is written on the first record: a run that creates nothing
    // on the host (step 1) costs no disk writes
  }

  /** Record a resource before creating it; returns its entry id. */
  record(resource: Resource): number {
    const id = this.nextId++;
    this.data.entries.push({ ...resource, id } as LedgerEntry);
    this.flush();
    return id;
  }

  /** Note the container's pid (written now, removed with the file at teardown). */
  noteContainer(note: ContainerNote): void {
    this.data.container = note;
    this.flush();
  }

  /** Add what is only known after creation (a loop device's name, say). */
  update(id: number, patch: Partial<Resource>): void {
    const entry = this.data.entries.find((e) => e.id === id);
    if (!entry) return;
    Object.assign(entry, patch);
    this.flush();
  }

  /** The owner removed the resource itself. */
  forget(id: number): void {
    this.data.entries = this.data.entries.filter((e) => e.id !== id);
    this.flush();
  }

  entries(): readonly LedgerEntry[] {
    return this.data.entries;
  }

  /**
   * Reclaim everything still recorded, newest first. Errors do not stop the
   * walk: each is collected and returned so that the caller can report them.
   */
  async teardown(reclaimers: Partial<Record<ResourceKind, Reclaimer>>): Promise<Error[]> {
    const errors: Error[] = [];
    for (const entry of [...this.data.entries].reverse()) {
      const reclaim = reclaimers[entry.kind];
      try {
        if (reclaim) await reclaim(entry);
        this.forget(entry.id);
      } catch (err) {
        errors.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
    if (this.data.entries.length === 0) {
      delete this.data.container;
      if (this.written) fs.rmSync(this.file, { force: true });
      this.written = false;
    }
    return errors;
  }

  private flush(): void {
    if (!this.written) fs.mkdirSync(this.runsDir, { recursive: true });
    // write-then-rename: a reader (npm run clean) never sees half a file
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.data, null, 2));
    fs.renameSync(tmp, this.file);
    this.written = true;
  }
}

/** Every ledger in runsDir that can be read (one half-written by another process is skipped). */
export function readLedgers(runsDir: string): LedgerFile[] {
  if (!fs.existsSync(runsDir)) return [];
  const out: LedgerFile[] = [];
  for (const name of fs.readdirSync(runsDir)) {
    if (!name.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(fs.readFileSync(path.join(runsDir, name), 'utf8')) as LedgerFile);
    } catch {
      // half-written by someone else: skip
    }
  }
  return out;
}

/** Ledgers left by runs whose owner process is gone (killed, crashed). */
export function orphanLedgers(runsDir: string): LedgerFile[] {
  return readLedgers(runsDir).filter((data) => {
    const alive = processStartTime(data.ownerPid);
    return alive === undefined || alive !== data.ownerStartTime;
  });
}

/** Re-open a dead run's ledger so it can be torn down. */
export function adoptLedger(runsDir: string, data: LedgerFile): Ledger {
  const ledger = Object.create(Ledger.prototype) as Ledger;
  Object.assign(ledger, {
    runsDir,
    runId: data.runId,
    file: path.join(runsDir, `${data.runId}.json`),
    data,
    written: true,
    nextId: Math.max(0, ...data.entries.map((e) => e.id)) + 1,
  });
  return ledger;
}
