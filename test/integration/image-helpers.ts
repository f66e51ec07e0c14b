// Shared by the image integration tests: a throwaway state folder and run
// contexts on it, and a cleanup that leaves the host's loop devices and
// mounts exactly as they were, even when a test failed halfway.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { $ } from 'zx';
import { Ledger } from '../../kit/core/ledger.ts';
import { reclaimers } from '../../kit/host/image/index.ts';
import type { RunContext, RunOptions } from '../../kit/core/types.ts';

const sh = $({ quiet: true, nothrow: true });

export interface Sandbox {
  stateDir: string;
  /** a loop device the test attached by hand on purpose; detached at cleanup */
  adopt(device: string): void;
  /** loop devices backed by files of this sandbox that nobody adopted: must be none */
  strayLoops(): Promise<string[]>;
  /** mount points in the host's table under this sandbox */
  mountsInside(): string[];
  ctx(options?: Partial<RunOptions>): RunContext;
  /** a mount point the test mounts something on; unmounted at cleanup */
  mountPoint(): string;
  cleanup(): Promise<void>;
}

/** [device, backing file] of every attached loop device. */
async function loops(): Promise<[string, string][]> {
  const out = (await sh`losetup --list --noheadings --output NAME,BACK-FILE`).stdout;
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/) as [string, string])
    .filter(([d]) => d);
}

export function sandbox(): Sandbox {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-image-test-'));
  const ledgers: Ledger[] = [];
  const mounts: string[] = [];
  const adopted = new Set<string>();
  const real = fs.realpathSync(stateDir);
  const ours = async () => (await loops()).filter(([, file]) => file?.startsWith(real));
  return {
    stateDir,
    adopt: (device) => adopted.add(device),
    strayLoops: async () => (await ours()).map(([d]) => d).filter((d) => !adopted.has(d)),
    mountsInside: () =>
      fs
        .readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[4])
        .filter((m) => m?.startsWith(real)),
    ctx(options = {}) {
      const runId = randomBytes(4).toString('hex');
      const ledger = new Ledger(path.join(stateDir, 'runs'), runId);
      ledgers.push(ledger);
      return { runId, options: { argv: [], solution: true, stepsDir: '', quiet: true, ...options }, stateDir, ledger, facts: {} };
    },
    mountPoint() {
      const dir = fs.mkdtempSync(path.join(stateDir, 'mnt-'));
      mounts.push(dir);
      return dir;
    },
    async cleanup() {
      for (const dir of mounts.reverse()) await sh`umount --lazy ${dir}`;
      for (const ledger of ledgers.reverse()) await ledger.teardown(reclaimers);
      // anything still attached to a file of ours (adopted, or leaked by a failing test)
      for (const [device] of await ours()) await sh`losetup --detach ${device}`;
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
