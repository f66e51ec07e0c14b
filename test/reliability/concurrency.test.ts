// Any number of containers at once: two and four reference containers of
// every available step started together, all working (own namespaces, own
// /home loop device, own reachable address, own cgroup, as far as the step
// goes), `npm run clean` in the middle leaves them alone, and afterwards the
// host is as before. And the ledger itself under concurrency: per-run files
// that readers never see half written, and orphans reclaimed exactly once by
// kit commands started at the same moment.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orphanLedgers, type LedgerFile } from '../../kit/core/ledger.ts';
import { projectRoot, solutionsDir } from '../../kit/core/paths.ts';
import { ensureRootfs } from '../../kit/host/image/rootfs.ts';
import { listStepFiles } from '../../kit/core/steps.ts';
import { findProcess, inspectContainer, reachable, type ContainerView } from './inspect.ts';
import { npmRun, runKit, sleep, startKit, type KitProcess } from './kit-process.ts';
import { digits, makeSandbox, type Sandbox } from './sandbox.ts';

const STEPS = listStepFiles(solutionsDir).map((s) => s.id);
let sandbox: Sandbox;

beforeAll(() => {
  sandbox = makeSandbox('concurrency');
  ensureRootfs();
});
afterAll(async () => sandbox?.dispose(), 60_000);

const distinct = (xs: (string | undefined)[]) => new Set(xs).size === xs.length && xs.every((x) => x !== undefined);

describe('containers at once', () => {
  for (const count of [2, 4]) {
    for (const step of STEPS) {
      it(`${count} containers of step ${step} at once: all working, clean leaves them alone, nothing left after`, async () => {
        const before = await sandbox.snapshot();
        const nonces = Array.from({ length: count }, () => digits());
        const kits: KitProcess[] = nonces.map((n, i) =>
          startKit(
            [
              'step',
              String(step),
              '--solution',
              // each its own /home image from step 2 on (step 1 has no such option)
              ...(step >= 2 ? ['--home-image', `c${i}.img`] : []),
              '--hostname',
              `c${i}-${n}`,
              '--',
              'sh',
              '-c',
              `echo ready; exec sleep 30.${n}`,
            ],
            sandbox.env,
          ),
        );
        try {
          const ready = await Promise.all(kits.map((k) => k.ready));
          expect(ready, kits.map((k) => k.stderr()).join('\n')).toEqual(nonces.map(() => true));
          // `ready` comes a moment before the shell execs sleep
          const pids = await Promise.all(nonces.map((n) => waitForProcess(`sleep 30.${n}`)));
          const views: ContainerView[] = pids.map((pid) => inspectContainer(pid));

          // each has namespaces of its own
          for (const ns of ['pid', 'mnt', 'uts']) expect(distinct(views.map((v) => v.namespaces[ns])), ns).toBe(true);
          // step 2 on: each /home on its own loop device
          if (views.some((v) => v.homeDevice))
            expect(distinct(views.map((v) => v.homeDevice)), JSON.stringify(views.map((v) => v.homeDevice))).toBe(true);
          // step 3 on: each its own network, address, and reachable both ways
          if (views.some((v) => v.address)) {
            expect(distinct(views.map((v) => v.namespaces.net))).toBe(true);
            expect(distinct(views.map((v) => v.address)), JSON.stringify(views.map((v) => v.address))).toBe(true);
            for (const v of views)
              expect(reachable(v), `${v.address} via ${v.gateway}`).toEqual({ hostToContainer: true, containerToHost: true });
          }
          // step 4 on: each in a cgroup of its own
          if (views.some((v) => v.cgroups.length))
            expect(distinct(views.map((v) => v.cgroups.join(';'))), JSON.stringify(views.map((v) => v.cgroups))).toBe(true);

          // `npm run clean` while they run: their ledgers have live owners, so nothing is touched
          const during = await sandbox.snapshot();
          const clean = await npmRun('clean', [], sandbox.env);
          expect(clean.code).toBe(0);
          expect(clean.stderr).toMatch(/nothing to clean/);
          expect(sandbox.compare(during, await sandbox.snapshot()).leftovers).toEqual([]);
          expect(kits.every((k) => findProcess(`sleep 30.${nonces[kits.indexOf(k)]}`) !== undefined)).toBe(true);
        } finally {
          for (const k of kits) k.signal('SIGTERM');
          const exits = await Promise.all(kits.map((k) => k.exit));
          await Promise.all(kits.map((k) => k.groupGone()));
          expect(exits.map((e) => e.code)).toEqual(nonces.map(() => 143));
        }
        const after = await sandbox.settle(
          before,
          nonces.map((n) => `30.${n}`),
        );
        expect(after.leftovers).toEqual([]);
      }, 120_000);
    }
  }
});

describe('the ledger under concurrency', () => {
  it('eight owners writing at once: every file is whole whenever it is read, and none is taken for an orphan', async () => {
    const runs = path.join(sandbox.stateDir, 'ledger-writers');
    const ids = Array.from({ length: 8 }, (_, i) => `c0ffe${i}`);
    const writers = ids.map((id) =>
      spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'test/reliability/ledger-writer.ts'), runs, id, '400'], {
        cwd: projectRoot,
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const held = writers.map(
      (w) =>
        new Promise<number[]>((resolve) => {
          let out = '';
          w.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            if (out.includes('\n')) resolve(JSON.parse(out) as number[]);
          });
        }),
    );
    let reads = 0;
    let torn = 0;
    let wrongOwner = 0;
    let takenForOrphans = 0;
    let done = false;
    void Promise.all(held).then(() => (done = true));
    while (!done) {
      for (const name of fs.existsSync(runs) ? fs.readdirSync(runs).filter((n) => n.endsWith('.json')) : []) {
        let text: string;
        try {
          text = fs.readFileSync(path.join(runs, name), 'utf8');
        } catch {
          continue; // renamed over between readdir and open: fine
        }
        reads++;
        try {
          const data = JSON.parse(text) as LedgerFile;
          if (`${data.runId}.json` !== name || !writers.some((w) => w.pid === data.ownerPid)) wrongOwner++;
        } catch {
          torn++;
        }
      }
      takenForOrphans += orphanLedgers(runs).length;
      await sleep(1);
    }
    // what each owner holds is exactly what its file says
    const files = ids.map((id) => JSON.parse(fs.readFileSync(path.join(runs, `${id}.json`), 'utf8')) as LedgerFile);
    expect(files.map((f) => f.entries.map((e) => e.id))).toEqual(await Promise.all(held));
    const codes = writers.map((w) => new Promise<number | null>((r) => w.on('close', r)));
    for (const w of writers) w.stdin.end();
    expect(await Promise.all(codes)).toEqual(ids.map(() => 0));
    expect(fs.readdirSync(runs)).toEqual([]); // all torn down, no temporary file left
    console.log(
      `ledger: ${reads} reads of files being rewritten by 8 owners: ${torn} torn, ${wrongOwner} with a wrong owner, ${takenForOrphans} taken for orphans`,
    );
    expect({ torn, wrongOwner, takenForOrphans }).toEqual({ torn: 0, wrongOwner: 0, takenForOrphans: 0 });
    expect(reads).toBeGreaterThan(0);
  }, 60_000);

  it('four `npm run clean` at the same moment reclaim each dead run exactly once', async () => {
    const runs = path.join(sandbox.stateDir, 'runs');
    const victims = path.join(sandbox.stateDir, 'victims');
    fs.mkdirSync(victims, { recursive: true });
    const dead = deadPid();
    const ids = Array.from({ length: 60 }, (_, i) => (0xd00000 + i).toString(16));
    for (const id of ids) {
      const entries = [1, 2, 3].map((n) => ({ kind: 'path' as const, path: path.join(victims, `${id}-${n}`), id: n }));
      for (const e of entries) fs.writeFileSync(e.path, 'left by a killed run');
      const data: LedgerFile = { runId: id, ownerPid: dead, ownerStartTime: '1', createdAt: new Date().toISOString(), entries };
      fs.writeFileSync(path.join(runs, `${id}.json`), JSON.stringify(data));
    }
    const cleans = await Promise.all([0, 1, 2, 3].map(() => runKit(['clean'], sandbox.env)));
    const listed = cleans.flatMap((c) => [...c.stderr.matchAll(/reclaiming run (\w+)/g)].map((m) => m[1]));
    const removed = cleans.map((c) => Number(/removed (\d+) leftover/.exec(c.stderr)?.[1] ?? 0));
    console.log(`clean x4 at once: listed ${listed.length} runs for ${ids.length} orphans, removed ${removed.join(' + ')} entries`);
    expect(cleans.map((c) => c.code)).toEqual([0, 0, 0, 0]);
    expect(cleans.map((c) => c.stderr).join('')).not.toMatch(/could not/);
    expect([...listed].sort()).toEqual([...ids].sort());
    expect(removed.reduce((a, b) => a + b, 0)).toBe(ids.length * 3);
    expect(fs.readdirSync(victims)).toEqual([]);
    expect(fs.readdirSync(runs)).toEqual([]);
  }, 60_000);
});

async function waitForProcess(cmdline: string, timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = findProcess(cmdline);
    if (pid !== undefined) return pid;
    if (Date.now() > deadline) throw new Error(`no process "${cmdline}"`);
    await sleep(20);
  }
}

it('a reclaiming command killed halfway, and a ledger write cut short: the next clean finishes both', async () => {
  const runs = path.join(sandbox.stateDir, 'runs');
  const dead = deadPid();
  // a `npm run clean` that was killed after claiming a ledger (moved into its own folder)
  const claimed = path.join(runs, `.reclaiming-${dead}-1`);
  fs.mkdirSync(claimed, { recursive: true });
  const victim = path.join(sandbox.stateDir, 'victim-of-killed-clean');
  fs.writeFileSync(victim, 'x');
  const ledger: LedgerFile = {
    runId: 'dead01',
    ownerPid: dead,
    ownerStartTime: '1',
    createdAt: '',
    entries: [{ kind: 'path', path: victim, id: 1 }],
  };
  fs.writeFileSync(path.join(claimed, 'dead01.json'), JSON.stringify(ledger));
  // a run killed between writing its ledger's temporary file and renaming it
  fs.writeFileSync(path.join(runs, 'dead02.json.tmp'), JSON.stringify({ ...ledger, runId: 'dead02', entries: [] }));
  // ... and one killed inside the write itself: half a file, next to the ledger it was replacing
  fs.writeFileSync(path.join(runs, 'dead03.json'), JSON.stringify({ ...ledger, runId: 'dead03', entries: [] }));
  fs.writeFileSync(path.join(runs, 'dead03.json.tmp'), JSON.stringify({ ...ledger, runId: 'dead03' }).slice(0, 40));
  const r = await runKit(['clean'], sandbox.env);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain(`reclaiming run dead01 (its process ${dead} is gone): path ${victim}`);
  expect(fs.existsSync(victim)).toBe(false);
  expect(fs.readdirSync(runs)).toEqual([]);
}, 60_000);

/** A pid that no process has (so its ledgers are orphans). */
function deadPid(): number {
  for (let pid = 4_000_000; ; pid--) if (!fs.existsSync(`/proc/${pid}`)) return pid;
}
