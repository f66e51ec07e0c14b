// Fault injection: runs of every available step's reference container, each
// with a fault at a random point of its life (a hook throws, SIGINT, SIGTERM,
// SIGHUP, SIGKILL of the kit followed by `npm run clean` or the next command),
// and a snapshot of the host before and after each run: zero differences.
//
//   CW_FAULT_RUNS=100 (default)   how many runs
//   CW_FAULT_LANES=2 (default)    runs at the same time (each batch of runs is
//                                 compared as a whole: snapshot before, all
//                                 runs, snapshot after)
//   CW_FAULT_SEED=1234            another plan (default: a fixed one, so CI is reproducible;
//                                 CW_FAULT_SEED=random draws a new one, printed for replay)
//   CW_FAULT_STEPS=6,7            only these steps (default: every step in solutions/)
//   CW_RELIABILITY_STRICT=1       count changes by other processes as leftovers too
//
// Steps are discovered in solutions/ at run time: a step that lands is covered.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRootfs } from '../../kit/host/image/rootfs.ts';
import { solutionsDir } from '../../kit/core/paths.ts';
import { listStepFiles } from '../../kit/core/steps.ts';
import {
  describeFault,
  markersFor,
  measureStartup,
  planFaults,
  runCliFault,
  runHookFault,
  runIdFor,
  type Fault,
  type FaultKind,
  type Timing,
} from './faults.ts';
import { reclaimedByAnyCommand } from './kit-process.ts';
import { makeSandbox, STRICT, type Sandbox } from './sandbox.ts';

const RUNS = Number(process.env.CW_FAULT_RUNS ?? 100);
const DEFAULT_SEED = 20_26_0607;
const SEED =
  process.env.CW_FAULT_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.CW_FAULT_SEED ?? DEFAULT_SEED);
const ONLY = process.env.CW_FAULT_STEPS?.split(',').map(Number);
const STEPS = listStepFiles(solutionsDir)
  .map((s) => s.id)
  .filter((id) => !ONLY || ONLY.includes(id));
const LANES = Math.max(1, Number(process.env.CW_FAULT_LANES ?? 2));
const plan = planFaults(RUNS, STEPS, SEED);
const batches: Fault[][] = [];
for (let i = 0; i < plan.length; i += LANES) batches.push(plan.slice(i, i + LANES));

interface RunRecord {
  fault: Fault;
  outcome: string;
  ms: number;
  openFiles: string[];
}

interface BatchRecord {
  faults: Fault[];
  leftovers: string[];
  foreign: number;
  late: boolean;
}

const records: RunRecord[] = [];
const batchRecords: BatchRecord[] = [];
let sandbox: Sandbox;
let timing: Timing;
const started = performance.now();

beforeAll(async () => {
  sandbox = makeSandbox('faults');
  ensureRootfs();
  timing = await measureStartup(STEPS, sandbox);
}, 120_000);

afterAll(async () => {
  printSummary();
  await sandbox?.dispose();
}, 60_000);

describe(`fault injection: ${RUNS} runs over steps ${STEPS.join(', ')} (seed ${SEED})`, () => {
  for (const batch of batches) {
    it(
      batch.map(describeFault).join(' | '),
      async () => {
        const before = await sandbox.snapshot();
        const results = await Promise.all(
          batch.map(async (fault, lane) => {
            const t0 = performance.now();
            const result = fault.kind === 'hook-throws' ? await runHookFault(fault, lane) : await runCliFault(fault, sandbox, timing, lane);
            records.push({ fault, outcome: result.outcome, ms: performance.now() - t0, openFiles: result.openFiles ?? [] });
            return result;
          }),
        );
        const markers = batch.flatMap((f) => [...markersFor(f), ...(f.kind === 'hook-throws' ? [runIdFor(f)] : [])]);
        const after = await sandbox.settle(before, markers);
        batchRecords.push({ faults: batch, leftovers: after.leftovers, foreign: after.foreign.length, late: after.late });
        expect(results.map((r) => r.problem ?? null)).toEqual(batch.map(() => null));
        // in-process runs: nothing of the run may stay open in this process (a held image lock makes every later run "busy"),
        // except the known issue below
        expect(batch.flatMap((_f, i) => results[i].openFiles ?? [])).toEqual([]);
        // every ledger a SIGKILL left was listed by a `npm run clean` or next command of this batch
        // (or by the start-up of the other lane's command, which reclaims orphans too)
        const reclaimed = new Set([...results.flatMap((r) => r.reclaimed ?? []), ...reclaimedByAnyCommand]);
        expect(results.flatMap((r) => r.orphans ?? []).filter((id) => !reclaimed.has(id))).toEqual([]);
        expect(after.leftovers).toEqual([]);
      },
      120_000,
    );
  }
});

/**
 * A step-2 teardown that throws before its work must not leave the image's
 * lock held in a long-lived process (in-process checks, a grader): the loop
 * reclaimer releases a lock this process still holds once the image is
 * detached, or every later run on that image would say "image busy".
 */
describe.runIf(STEPS.includes(2))('image lock', () => {
  it('in-process, a step-2 teardown that throws before its work leaves no image lock held', async () => {
    const fault: Fault = { n: 0, step: 2, kind: 'hook-throws', nonce: '424242', hook: 'teardown', how: 'before', index: 1 };
    const result = await runHookFault(fault, 9);
    expect(result.openFiles ?? []).toEqual([]);
  }, 60_000);
});

function printSummary(): void {
  const count = <K extends string>(key: (r: RunRecord) => K) => {
    const m = new Map<K, number>();
    for (const r of records) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
    return [...m].map(([k, v]) => `${k} ${v}`).join(', ');
  };
  const per = (kind: FaultKind) => records.filter((r) => r.fault.kind === kind);
  const mean = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : 0);
  const lines = [
    `fault injection (seed ${SEED}${STRICT ? ', strict' : ''}): ${records.length} runs in ${Math.round((performance.now() - started) / 1000)} s, ${LANES} at a time, steps ${STEPS.join(', ')}`,
    `  start-up (to the first ledger write / to ready): ${Object.entries(timing?.startupMs ?? {})
      .map(([s, ms]) => `step ${s} ${timing.prepareMs[Number(s)] ? `${Math.round(timing.prepareMs[Number(s)])}/` : ''}${Math.round(ms)} ms`)
      .join(', ')}`,
    `  faults per kind: ${count((r) => r.fault.kind)}`,
    `  runs per step: ${count((r) => `step ${r.fault.step}` as string)}`,
    `  hooks thrown: ${count((r) => (r.fault.kind === 'hook-throws' ? `${r.fault.hook}/${r.fault.how}` : 'n/a')).replace(/n\/a \d+(, )?/, '')}`,
    `  outcomes: ${count((r) => r.outcome)}`,
    `  mean ms per kind: ${(['exit', 'command-fails', 'hook-throws', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL'] as FaultKind[]).map((k) => `${k} ${mean(per(k).map((r) => r.ms))}`).join(', ')}`,
    `  leftovers found: ${batchRecords.reduce((s, r) => s + r.leftovers.length, 0)} (snapshot comparisons: ${batchRecords.length}, with leftovers: ${batchRecords.filter((r) => r.leftovers.length).length}, clean only after a second look: ${batchRecords.filter((r) => r.late).length})`,
    `  files left open in this process by in-process runs: ${records.reduce((s, r) => s + r.openFiles.length, 0)}${records
      .filter((r) => r.openFiles.length)
      .map((r) => ` [${describeFault(r.fault)}: ${r.openFiles.join(', ')}]`)
      .join('')}`,
    `  changes by other processes meanwhile (not ours, ignored): ${batchRecords.reduce((s, r) => s + r.foreign, 0)}`,
    ...batchRecords
      .filter((r) => r.leftovers.length)
      .flatMap((r) => [`  LEFTOVER after ${r.faults.map(describeFault).join(' | ')}:`, ...r.leftovers.map((l) => `    ${l}`)]),
  ];
  console.log(lines.join('\n'));
}
