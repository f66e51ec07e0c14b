// A private state folder for the reliability suites, and the host snapshots
// they compare. Other test files run at the same time (vitest runs two files
// at once) and create containers, veths and loop devices of their own, so a
// difference between two snapshots is only counted as *our* leftover when it
// carries one of our identities: the private state folder's path (loop
// devices, mounts, ledgers), a run id of ours (veth, netns, cgroup names) or
// a marker we put in the container's command line (processes). Everything
// else is reported as "foreign" and, with CW_RELIABILITY_STRICT=1 (for
// running a suite alone), counted as a leftover too.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reclaimOrphans } from '../../kit/tools/cli/common.ts';
import { diffSnapshots, formatDiff, takeSnapshot, type HostSnapshot } from '../../kit/host/snapshot.ts';

export const STRICT = process.env.CW_RELIABILITY_STRICT === '1';

export interface Comparison {
  /** differences that are ours: must be none */
  leftovers: string[];
  /** differences made by somebody else meanwhile (other test files) */
  foreign: string[];
}

export interface Sandbox {
  readonly stateDir: string;
  /** environment for kit processes: this state folder, no colours, no CI auto-yes surprises */
  readonly env: NodeJS.ProcessEnv;
  /** run ids seen in this state folder's runs/ (CLI runs write their ledger there) */
  readonly runIds: Set<string>;
  snapshot(): Promise<HostSnapshot>;
  compare(before: HostSnapshot, after: HostSnapshot, markers?: string[]): Comparison;
  /**
   * Snapshot until nothing of ours differs from `before` (the kernel finishes
   * some teardown asynchronously: a namespace's last reference, a lazy
   * unmount), at most `timeoutMs`. `late` says it took more than one look.
   */
  settle(before: HostSnapshot, markers?: string[], timeoutMs?: number): Promise<Comparison & { late: boolean }>;
  dispose(): Promise<void>;
}

export function makeSandbox(name: string): Sandbox {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `cw-rel-${name}-`));
  const runs = path.join(stateDir, 'runs');
  fs.mkdirSync(runs, { recursive: true });
  const runIds = new Set<string>();
  const see = (file: string | null) => {
    const m = /^([0-9a-f]{6,})\.json/.exec(file ?? '');
    if (m) runIds.add(m[1]);
  };
  // a ledger may live for milliseconds: inotify still reports its name
  const watcher = fs.watch(runs, (_event, file) => see(file));
  const previousStateDir = process.env.CW_STATE_DIR;
  process.env.CW_STATE_DIR = stateDir; // in-process runs use it too

  const env: NodeJS.ProcessEnv = { ...process.env, CW_STATE_DIR: stateDir, NO_COLOR: '1', FORCE_COLOR: '0' };
  delete env.CI; // CI=true would make preflight install packages without asking

  const identities = (markers: string[]) => {
    const ids = [...runIds].map((id) => new RegExp(`(^|[^0-9a-f])${id}([^0-9a-f]|$)`));
    return (item: string) => item.includes(stateDir) || markers.some((m) => item.includes(m)) || ids.some((re) => re.test(item));
  };

  const sandbox: Sandbox = {
    stateDir,
    env,
    runIds,
    snapshot: () => takeSnapshot({ stateDir }),
    compare(before, after, markers = []) {
      for (const f of safeReaddir(runs)) see(f);
      const ours = identities(markers);
      const lines = formatDiff(diffSnapshots(before, after));
      const leftovers = lines.filter((l) => STRICT || ours(l) || /^[+-] state: /.test(l));
      return { leftovers, foreign: lines.filter((l) => !leftovers.includes(l)) };
    },
    async settle(before, markers = [], timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      let looks = 0;
      for (;;) {
        looks++;
        const result = sandbox.compare(before, await sandbox.snapshot(), markers);
        if (result.leftovers.length === 0 || Date.now() > deadline) return { ...result, late: looks > 1 };
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async dispose() {
      watcher.close();
      await reclaimOrphans(false).catch(() => undefined); // whatever a failed test left
      fs.rmSync(stateDir, { recursive: true, force: true });
      if (previousStateDir === undefined) delete process.env.CW_STATE_DIR;
      else process.env.CW_STATE_DIR = previousStateDir;
    },
  };
  return sandbox;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** A short random marker of digits, for a container's command line ("sleep 30.123456"). */
export function digits(n = 6): string {
  return Array.from({ length: n }, () => Math.floor(Math.random() * 10))
    .join('')
    .replace(/^0/, '1');
}
