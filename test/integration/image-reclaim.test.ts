// What `npm run clean` relies on: the 'loop' reclaimer, and a run killed with
// SIGKILL leaving a ledger that someone else can reclaim (its image lock is
// gone with it, the kernel drops flocks of dead processes).

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { $ } from 'zx';
import { adoptLedger, orphanLedgers, type LedgerEntry } from '../../kit/core/ledger.ts';
import {
  attachHomeImage,
  attachLoop,
  backingFileOf,
  claimHomeImage,
  detachHomeImage,
  reclaimers,
  releaseLocksOfRun,
} from '../../kit/host/image/index.ts';
import { projectRoot } from '../../kit/core/paths.ts';
import { sandbox, type Sandbox } from './image-helpers.ts';

const sh = $({ quiet: true });
const reclaimLoop = reclaimers.loop!;
let box: Sandbox;

beforeEach(() => {
  box = sandbox();
});

afterEach(async () => {
  const stray = await box.strayLoops();
  await box.cleanup();
  expect(stray, 'loop devices left attached').toEqual([]);
});

async function plainImage(name: string): Promise<string> {
  const file = path.join(box.stateDir, name);
  await sh`fallocate --length 4M ${file}`;
  return file;
}

describe('reclaimer for kind loop', () => {
  it('detaches the recorded device, and does nothing the second time', async () => {
    const file = await plainImage('a.img');
    const ctx = box.ctx();
    const { device } = await attachLoop(ctx.ledger, file);
    const entry = ctx.ledger.entries()[0];
    expect(entry).toMatchObject({ kind: 'loop', backingFile: fs.realpathSync(file), device });
    await reclaimLoop(entry);
    expect(backingFileOf(device)).toBeUndefined();
    await reclaimLoop(entry);
  });

  it('finds the device by backing file when the run died before learning its name', async () => {
    const file = await plainImage('b.img');
    const device = (await sh`losetup --find --show ${file}`).stdout.trim();
    box.adopt(device);
    const entry: LedgerEntry = { id: 1, kind: 'loop', backingFile: fs.realpathSync(file) };
    await reclaimLoop(entry);
    expect(backingFileOf(device)).toBeUndefined();
  });

  it('leaves a device whose number was reused for another file alone', async () => {
    const mine = await plainImage('c.img');
    const other = await plainImage('d.img');
    const device = (await sh`losetup --find --show ${other}`).stdout.trim();
    box.adopt(device);
    await reclaimLoop({ id: 1, kind: 'loop', backingFile: fs.realpathSync(mine), device });
    expect(backingFileOf(device)).toBe(fs.realpathSync(other));
  });

  it('does not detach the devices of a live run that holds the image lock', async () => {
    const ctx = box.ctx({ homeSize: 8 * 2 ** 20 });
    const image = await attachHomeImage(ctx);
    try {
      await reclaimLoop({ id: 99, kind: 'loop', backingFile: fs.realpathSync(image.file) });
      expect(backingFileOf(image.device)).toBe(fs.realpathSync(image.file));
    } finally {
      await detachHomeImage(ctx, image);
    }
  });
});

/**
 * Run a victim script that attaches a loop device and prints it, then SIGKILL
 * it once it has: node --import tsx, one process (the tsx CLI would put a
 * second node under it, out of reach of our SIGKILL).
 */
async function killedVictim(script: string, env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; device: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  try {
    const device = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => resolve(d.toString().trim()));
      child.on('exit', (code) => reject(new Error(`victim exited ${code}`)));
      setTimeout(() => reject(new Error('victim did not attach in 20 s')), 20_000);
    });
    expect(device).toMatch(/^\/dev\/loop\d+$/);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    return { child, device };
  } catch (err) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw err;
  }
}

describe('a run killed with SIGKILL', () => {
  it('leaves a ledger that clean reclaims, and no lock', async () => {
    const script = path.join(box.stateDir, 'victim.mts');
    fs.writeFileSync(
      script,
      `
      import path from 'node:path';
      import { Ledger } from ${JSON.stringify(path.join(projectRoot, 'kit/core/ledger.ts'))};
      import { attachHomeImage } from ${JSON.stringify(path.join(projectRoot, 'kit/host/image/index.ts'))};
      const stateDir = ${JSON.stringify(box.stateDir)};
      const ledger = new Ledger(path.join(stateDir, 'runs'), 'victim01');
      const image = await attachHomeImage({ runId: 'victim01', stateDir, ledger, facts: {},
        options: { argv: [], solution: true, stepsDir: '', homeSize: 8 * 2 ** 20, quiet: true } });
      console.log(image.device);
      setInterval(() => {}, 1000);
    `,
    );
    const { child, device } = await killedVictim(script);
    try {
      const runsDir = path.join(box.stateDir, 'runs');
      const orphans = orphanLedgers(runsDir).filter((l) => l.runId === 'victim01');
      expect(orphans).toHaveLength(1);
      expect(await adoptLedger(runsDir, orphans[0]).teardown(reclaimers)).toEqual([]);
      expect(backingFileOf(device)).toBeUndefined();

      // the lock died with the victim: the next run gets the image
      const ctx = box.ctx({ homeSize: 8 * 2 ** 20 });
      await detachHomeImage(ctx, await attachHomeImage(ctx));
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 30_000);

  // Step 2's student attaches the image with their own losetup, recorded in
  // the ledger first: a run killed while the container runs leaves the same
  // kind of entry, which clean reclaims, and the image is free again.
  it("leaves a ledger that clean reclaims when the student's own losetup attached the image", async () => {
    const script = path.join(box.stateDir, 'victim-step2.mts');
    fs.writeFileSync(
      script,
      `
      import path from 'node:path';
      import { Ledger } from ${JSON.stringify(path.join(projectRoot, 'kit/core/ledger.ts'))};
      import step from ${JSON.stringify(path.join(projectRoot, 'solutions/02-mount.ts'))};
      const stateDir = ${JSON.stringify(box.stateDir)};
      const ledger = new Ledger(path.join(stateDir, 'runs'), 'victim02');
      const ctx = { runId: 'victim02', stateDir, ledger, facts: {},
        options: { argv: [], solution: true, stepsDir: '', homeImage: path.join(stateDir, 'student.img'), homeSize: 8 * 2 ** 20, quiet: true } };
      await step.prepare(ctx);
      console.log(ctx.facts.home.device);
      setInterval(() => {}, 1000);
    `,
    );
    const { child, device } = await killedVictim(script, { CW_STATE_DIR: box.stateDir });
    try {
      const runsDir = path.join(box.stateDir, 'runs');
      const orphans = orphanLedgers(runsDir).filter((l) => l.runId === 'victim02');
      expect(orphans).toHaveLength(1);
      expect(orphans[0].entries).toContainEqual(expect.objectContaining({ kind: 'loop', device }));
      expect(await adoptLedger(runsDir, orphans[0]).teardown(reclaimers)).toEqual([]);
      expect(backingFileOf(device)).toBeUndefined();
      // the lock died with the victim: the next run may claim the image
      const ctx = box.ctx({ homeImage: path.join(box.stateDir, 'student.img'), homeSize: 8 * 2 ** 20 });
      await claimHomeImage(ctx);
      releaseLocksOfRun(ctx.runId);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 30_000);
});
