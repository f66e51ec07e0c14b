// The fault-injection plan and how each fault is made. One run = one
// reference container (solutions/, steps 1..N) with one fault:
//   exit          the command ends normally (exit 0)
//   command-fails the command exits 5, or is not found inside the container
//   hook-throws   a step hook throws at prepare/configure/setup/teardown
//                 (in-process: an extra step, or a real step's hook before/after its work)
//   SIGINT/SIGTERM/SIGHUP  to the kit while the container starts, runs or exits
//   SIGKILL       of the kit, then `npm run clean` or the next kit command
// A seeded generator makes a failing run reproducible: CW_FAULT_SEED=<seed>.

import fs from 'node:fs';
import path from 'node:path';
import { orphanLedgers } from '../../kit/core/ledger.ts';
import { startContainer } from '../../kit/host/run.ts';
import { solutionsDir } from '../../kit/core/paths.ts';
import { loadStepsUpTo } from '../../kit/core/steps.ts';
import type { StepDefinition } from '../../kit/core/types.ts';
import { npmRun, runKit, sleep, startKit, type Exit } from './kit-process.ts';
import type { Sandbox } from './sandbox.ts';

export const KINDS = ['exit', 'command-fails', 'hook-throws', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL'] as const;
export type FaultKind = (typeof KINDS)[number];
export const HOOKS = ['prepare', 'configure', 'setup', 'teardown'] as const;
export type Hook = (typeof HOOKS)[number];
export type Phase = 'starting' | 'running' | 'exiting';

export interface Fault {
  n: number;
  step: number;
  kind: FaultKind;
  /** digits put in the container's command line, to recognise its processes */
  nonce: string;
  /** signals: when, and whether PID 1 traps the signal or ignores it (then SIGKILL after the grace period) */
  phase?: Phase;
  /** 0..1: where in the phase the signal lands */
  at?: number;
  pid1?: 'trap' | 'plain';
  /** SIGKILL: what reclaims the run afterwards */
  then?: 'clean' | 'next-command';
  /** hook-throws: which hook, and how */
  hook?: Hook;
  how?: 'extra-step' | 'before' | 'after';
  /** index of the step whose hook throws, or position of the extra step */
  index?: number;
  /** command-fails: exit code or a missing command */
  fails?: 'exit-5' | 'not-found';
}

/** mulberry32: small, seedable, good enough to pick faults. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `runs` faults: every kind on every step in turn, details at random. */
export function planFaults(runs: number, steps: number[], seed: number): Fault[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const out: Fault[] = [];
  for (let n = 0; n < runs; n++) {
    const kind = KINDS[n % KINDS.length];
    const step = steps[Math.floor(n / KINDS.length) % steps.length];
    const nonce = String(100000 + Math.floor(r() * 900000));
    const f: Fault = { n: n + 1, step, kind, nonce };
    if (kind === 'hook-throws') {
      f.hook = pick(HOOKS);
      f.how = pick(['extra-step', 'before', 'after'] as const);
      f.index = Math.floor(r() * (f.how === 'extra-step' ? step + 1 : step));
    } else if (kind === 'command-fails') {
      f.fails = pick(['exit-5', 'not-found'] as const);
    } else if (kind.startsWith('SIG')) {
      f.phase = pick(['starting', 'running', 'exiting'] as const);
      f.at = r();
      f.pid1 = pick(['trap', 'plain'] as const);
      if (kind === 'SIGKILL') f.then = pick(['clean', 'next-command'] as const);
    }
    out.push(f);
  }
  return out;
}

export function describeFault(f: Fault): string {
  const where =
    f.kind === 'hook-throws'
      ? `${f.hook} ${f.how === 'extra-step' ? `of an extra step at position ${f.index}` : `of step ${(f.index ?? 0) + 1}, ${f.how} its work`}`
      : f.kind === 'command-fails'
        ? f.fails
        : f.kind.startsWith('SIG')
          ? `while ${f.phase}${f.phase === 'exiting' ? '' : `, PID 1 ${f.pid1 === 'trap' ? 'traps it' : 'ignores it'}`}${f.then ? `, then ${f.then}` : ''}`
          : 'normal exit';
  return `#${f.n} step ${f.step} ${f.kind}: ${where}`;
}

/** The container's command for a fault; `ready` on stdout once it runs. */
export function commandFor(f: Fault): string[] {
  const n = f.nonce;
  if (f.kind === 'command-fails' && f.fails === 'not-found') return [`cw-missing-${n}`];
  if (f.kind === 'command-fails') return ['sh', '-c', `echo ready; sleep 0.0${n}; exit 5`];
  if (f.kind === 'exit' || f.kind === 'hook-throws') return ['sh', '-c', `echo ready; sleep 0.0${n}`];
  if (f.phase === 'exiting') return ['sh', '-c', `echo ready; sleep 0.3${n}`];
  if (f.pid1 === 'trap') return ['sh', '-c', `trap "exit 7" INT TERM HUP; echo ready; sleep 30.${n} & wait`];
  return ['sh', '-c', `echo ready; exec sleep 30.${n}`];
}

/** Strings that identify this run's processes and files in a snapshot. */
export const markersFor = (f: Fault): string[] => [`cw-missing-${f.nonce}`, `0.0${f.nonce}`, `0.3${f.nonce}`, `30.${f.nonce}`];

export interface Outcome {
  /** what actually happened, for the summary (e.g. 'exit 143 while starting') */
  outcome: string;
  /** why the run's behaviour is wrong, if it is */
  problem?: string;
  /** SIGKILL: ledgers of dead runs before the follow-up, and those it said it reclaimed */
  orphans?: string[];
  reclaimed?: string[];
  /** in-process runs: files of the state folder this process still has open afterwards (an image lock) */
  openFiles?: string[];
}

class InjectedFault extends Error {
  constructor(where: string) {
    super(`injected fault in ${where}`);
    this.name = 'InjectedFault';
  }
}

/** The steps with one hook made to throw. Never mutates the loaded step modules. */
export function injectThrow(steps: StepDefinition[], f: Fault): StepDefinition[] {
  const hook = f.hook ?? 'setup';
  const index = f.index ?? 0;
  const boom = (where: string) => {
    throw new InjectedFault(where);
  };
  if (f.how === 'extra-step') {
    const extra: StepDefinition = {
      id: 99,
      name: 'fault',
      title: 'injected fault',
      page: '/steps/',
      [hook]: () => boom(`the ${hook} of an extra step`),
    };
    return [...steps.slice(0, index), extra, ...steps.slice(index)];
  }
  const target = steps[index];
  const where = `the ${hook} of step ${target.id}, ${f.how} its work`;
  const original = target[hook] as ((...a: unknown[]) => unknown) | undefined;
  let replaced: (...a: unknown[]) => unknown;
  if (f.how === 'before') replaced = () => boom(where);
  else if (hook === 'configure') {
    replaced = (...a) => {
      original?.apply(target, a);
      boom(where);
    };
  } else {
    replaced = async (...a) => {
      await original?.apply(target, a);
      boom(where);
    };
  }
  return steps.map((s, i) => (i === index ? ({ ...s, [hook]: replaced } as StepDefinition) : s));
}

/** hook-throws, in this process: the lifecycle itself, with the kit's own teardown. */
export async function runHookFault(f: Fault, lane = 0): Promise<Outcome> {
  const outcome = await runHookFaultOnly(f, lane);
  const stateDir = process.env.CW_STATE_DIR ?? '';
  const open = openFilesUnder(stateDir).filter(({ file }) => file.includes(laneImage(lane)));
  // close them, or every later run on this image would fail with "image busy"
  for (const { fd } of open) fs.closeSync(fd);
  return open.length ? { ...outcome, openFiles: open.map(({ fd, file }) => `fd ${fd}: ${file}`) } : outcome;
}

/** Regular files below `dir` that this process has open (/proc/self/fd). */
export function openFilesUnder(dir: string): { fd: number; file: string }[] {
  const out: { fd: number; file: string }[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const file = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (dir && file.startsWith(`${dir}/`)) out.push({ fd: Number(fd), file });
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

async function runHookFaultOnly(f: Fault, lane: number): Promise<Outcome> {
  const steps = injectThrow(await loadStepsUpTo(solutionsDir, f.step), f);
  const devnull = fs.openSync('/dev/null', 'r+');
  let failure: unknown;
  try {
    const c = await startContainer({
      steps,
      options: { argv: commandFor(f), solution: true, stepsDir: solutionsDir, homeImage: laneImage(lane) },
      stdio: [devnull, devnull, devnull],
      runId: runIdFor(f),
    });
    await c.exited;
    await c.teardown();
  } catch (err) {
    failure = err;
  } finally {
    fs.closeSync(devnull);
  }
  const msg = failure instanceof Error ? failure.message : String(failure);
  if (failure === undefined) return { outcome: 'no error', problem: 'the injected fault was not reported' };
  if (f.hook === 'teardown') {
    return /^Teardown left 1 problem\(s\): injected fault/.test(msg)
      ? { outcome: 'teardown error reported' }
      : { outcome: 'other error', problem: `expected "Teardown left 1 problem(s): injected fault ...", got: ${msg}` };
  }
  return failure instanceof InjectedFault
    ? { outcome: `${f.hook} error reported` }
    : { outcome: 'other error', problem: `expected the injected fault, got: ${msg}` };
}

/** Runs at the same time need images of their own (one image, one container: "image busy"). */
export const laneImage = (lane: number): string => `lane${lane}.img`;

/** In-process runs get a run id we choose, so their resources are recognisable. */
export const runIdFor = (f: Fault): string => (0xf00000 + Number(f.nonce)).toString(16).slice(-6);

export interface Timing {
  /** ms from starting the kit to the container's `ready`, per step */
  startupMs: Record<number, number>;
  /** ms from starting the kit to its first ledger write (in prepare), for steps that make host resources */
  prepareMs: Record<number, number>;
}

/** Everything but hook-throws: the kit as a child process. */
export async function runCliFault(f: Fault, sandbox: Sandbox, timing: Timing, lane = 0): Promise<Outcome> {
  // each lane its own /home image (step 2 on); step 1 has no such option and refuses it
  const image = f.step >= 2 ? ['--home-image', laneImage(lane)] : [];
  const args = ['step', String(f.step), '--solution', ...image, '--', ...commandFor(f)];
  if (f.kind === 'exit' || f.kind === 'command-fails') {
    const r = await runKit(args, sandbox.env);
    if (f.kind === 'exit') return expectCode(r, 0, 'exit 0');
    if (f.fails === 'exit-5') return expectCode(r, 5, 'exit 5');
    const named = r.stderr.includes(`execve("cw-missing-${f.nonce}") failed in the container: ENOENT`);
    return r.code === 1 && named
      ? { outcome: 'exit 1, ENOENT named' }
      : { outcome: `exit ${r.code}`, problem: `expected exit 1 naming ENOENT, got ${r.code}: ${r.stderr}` };
  }

  const sig = f.kind as NodeJS.Signals;
  const k = startKit(args, sandbox.env);
  const startup = timing.startupMs[f.step] ?? 1000;
  const at = f.at ?? 0.5;
  let sawReady = false;
  if (f.phase === 'starting') {
    // Most of a start is node loading the kit. Aim at the lifecycle: from the
    // run's first ledger write (prepare) on, or for a step that writes none, near the end.
    const prepare = timing.prepareMs[f.step];
    if (prepare !== undefined) {
      const own = ownLedger(path.join(sandbox.stateDir, 'runs'), k.pid);
      await Promise.race([own.written, k.exit, sleep(startup * 5)]);
      own.close();
      await sleep(Math.max(startup - prepare, 30) * 1.5 * at);
    } else {
      await Promise.race([sleep(startup * (0.7 + 0.3 * at)), k.exit]);
    }
  } else {
    sawReady = await k.ready;
    await sleep(f.phase === 'exiting' ? 300 + 150 * at : 300 * at);
  }
  sawReady ||= /^ready$/m.test(k.stdout());
  k.signal(sig);
  const e = await k.exit;
  const gone = await k.groupGone();
  if (!gone) return { outcome: 'processes left', problem: 'processes of the kit were still alive 10 s after it exited' };

  // aimed at the moment the container exits, the signal may come after the kit is done
  const late = f.phase === 'exiting' && e.code === 0;
  if (sig === 'SIGKILL') {
    if (e.signal !== 'SIGKILL' && !late) return { outcome: `exit ${e.code}`, problem: `the kit was not killed: ${JSON.stringify(e)}` };
    const r = await reclaimAfterKill(f, sandbox);
    return late ? { ...r, outcome: 'kit done before the signal' } : r;
  }
  const n = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[sig as 'SIGINT' | 'SIGTERM' | 'SIGHUP'];
  if (e.signal === sig) return { outcome: 'killed before the kit handled signals' };
  if (late) return { outcome: 'kit done before the signal' };
  if (e.code !== 128 + n)
    return { outcome: `exit ${e.code}`, problem: `expected exit ${128 + n} after ${sig}, got ${JSON.stringify(e)}; stderr: ${k.stderr()}` };
  if (new RegExp(`Stopped by ${sig} while the container was starting`).test(k.stderr()))
    return { outcome: `exit ${128 + n}, start stopped` };
  return { outcome: `exit ${128 + n}, ${sawReady ? (f.phase === 'exiting' ? 'while exiting' : 'while running') : 'as it started'}` };
}

/** Resolves when a ledger owned by `pid` appears in `runs` (another run's, in parallel, does not count). */
function ownLedger(runs: string, pid: number): { written: Promise<void>; close: () => void } {
  let resolve: () => void = () => undefined;
  const written = new Promise<void>((r) => (resolve = r));
  const look = (name: string | null) => {
    if (!name || !/^[0-9a-f]+\.json$/.test(name)) return;
    try {
      if ((JSON.parse(fs.readFileSync(path.join(runs, name), 'utf8')) as { ownerPid: number }).ownerPid === pid) resolve();
    } catch {
      // renamed over or gone: the next event tells
    }
  };
  const watcher = fs.watch(runs, (_e, name) => look(name));
  for (const name of fs.readdirSync(runs)) look(name);
  return { written, close: () => watcher.close() };
}

function expectCode(r: Exit & { stderr: string }, code: number, outcome: string): Outcome {
  return r.code === code
    ? { outcome }
    : {
        outcome: `exit ${r.code}`,
        problem: `expected exit ${code}, got ${JSON.stringify({ code: r.code, signal: r.signal })}: ${r.stderr}`,
      };
}

/**
 * After SIGKILL: the ledger is there; `npm run clean` or the next command must
 * list and reclaim it. (With runs in parallel, the other run's follow-up may be
 * the one that reclaims it: the batch checks that every orphan was listed.)
 */
async function reclaimAfterKill(f: Fault, sandbox: Sandbox): Promise<Outcome> {
  // an empty ledger (killed between its last removal and deleting the file) is tidied silently
  const orphans = orphanLedgers(`${sandbox.stateDir}/runs`)
    .filter((l) => l.entries.length > 0)
    .map((l) => l.runId);
  const r =
    f.then === 'clean' ? await npmRun('clean', [], sandbox.env) : await runKit(['step', '1', '--solution', '--', 'true'], sandbox.env);
  const reclaimed = [...r.stderr.matchAll(/reclaiming run (\w+)/g)].map((m) => m[1]);
  if (r.code !== 0) return { outcome: `${f.then} exit ${r.code}`, problem: `${f.then} failed: ${r.stderr}` };
  return { outcome: `killed, then ${f.then}`, orphans, reclaimed };
}

/**
 * Two runs to the ready line per step: when the container is ready, and when
 * the run's ledger first appears (the lifecycle has reached prepare: the
 * kit's signal handlers are in place). Signals "while starting" aim between
 * the two. The first runs also make the images.
 */
export async function measureStartup(steps: number[], sandbox: Sandbox): Promise<Timing> {
  const startupMs: Record<number, number> = {};
  const prepareMs: Record<number, number> = {};
  const runs = path.join(sandbox.stateDir, 'runs');
  for (const step of steps) {
    const ready: number[] = [];
    const prepare: number[] = [];
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      let ledgerAt: number | undefined;
      const watcher = fs.watch(runs, () => (ledgerAt ??= performance.now() - t0));
      const k = startKit(['step', String(step), '--solution', '--', 'sh', '-c', 'echo ready'], sandbox.env);
      const ok = await k.ready;
      ready.push(performance.now() - t0);
      const e = await k.exit;
      watcher.close();
      if (ledgerAt !== undefined) prepare.push(ledgerAt);
      if (!ok || e.code !== 0) throw new Error(`step ${step}'s reference does not run: ${JSON.stringify(e)} ${k.stderr()}`);
    }
    startupMs[step] = Math.min(...ready);
    if (prepare.length) prepareMs[step] = Math.min(...prepare);
  }
  return { startupMs, prepareMs };
}
