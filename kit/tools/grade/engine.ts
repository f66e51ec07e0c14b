// Grading one submission, and a whole class: unpack safely, build a fresh
// workspace, run each step's check in its own sandboxed child, collect a
// StudentGrade, clean the workspace. A bad archive or misbehaving code becomes
// a grade with a reason; only the instructor's own setup can stop the run.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CheckResult } from '../check/types.ts';
import type { Ledger } from '../../core/ledger.ts';
import { blanketResult, type Catalog } from './catalog.ts';
import { notGradedResult } from './not-graded.ts';
import type { JailFactory, JailLimits } from './jail.ts';
import type { Gate } from './gate.ts';
import type { UnpackLimits } from './types.ts';
import { runPool } from './queue.ts';
import type { ResumeFile } from './resume.ts';
import { reviewNotes } from './review.ts';
import { runStep } from './run-step.ts';
import type { StudentGrade, SubmissionSource } from './types.ts';
import { readSubmission, writeSubmission } from './unpack.ts';
import { createWorkspace, fillMissingSteps, removeWorkspace, type KitSources } from './workspace.ts';

export interface EngineConfig {
  steps: number[];
  catalog: Catalog;
  kit: KitSources;
  /** folder for the per-student workspaces (not under /tmp) */
  workRoot: string;
  timeoutMs: number;
  unpack: UnpackLimits;
  jail: JailLimits;
  jails: JailFactory;
  ledger: Ledger;
  resume?: ResumeFile;
  signal?: AbortSignal;
  /** per-step stderr of the children, for the instructor (OUT/logs/KEY/stepN.log) */
  logsDir?: string;
  /** steps run side by side share it; `exclusiveSteps` (CPU-time measurements) run alone */
  gate?: Gate;
  exclusiveSteps?: Set<number>;
  /** how often a step whose check found the machine too busy to judge is run again (alone) */
  inconclusiveRetries?: number;
  /** run the checks in grading mode (default true; false: step 5's whole benchmark, `--bench`) */
  grading?: boolean;
  /** steps not graded on this machine (their reference fails here), with the reason */
  notGraded?: Map<number, string>;
}

/** The check could not judge (the machine was too busy): not the student's fault. */
export function inconclusive(r: CheckResult): boolean {
  return r.assertions.some((a) => a.status !== 'pass' && a.inconclusive === true);
}

export class Aborted extends Error {}

const now = () => new Date().toISOString();

function rejected(src: SubmissionSource, sha256: string, reason: string, cfg: EngineConfig, started: number): StudentGrade {
  const results = cfg.steps.flatMap((s) => {
    const cat = cfg.catalog.get(s);
    const notGraded = cfg.notGraded?.get(s);
    if (cat && notGraded !== undefined) return [notGradedResult(cat, notGraded)];
    return cat ? [blanketResult(cat, 'error', `submission rejected: ${reason}`)] : [];
  });
  return {
    key: src.key,
    source: src.path,
    sha256,
    status: 'rejected',
    reason,
    results,
    notes: [],
    gradedAt: now(),
    durationMs: Date.now() - started,
  };
}

const normalize = (s: string) => s.replace(/\r\n/g, '\n').trim();

export async function gradeSubmission(src: SubmissionSource, cfg: EngineConfig): Promise<StudentGrade & { resumed?: boolean }> {
  const started = Date.now();
  const read = await readSubmission(src, cfg.unpack);
  const stored = cfg.resume?.find(src.key, read.sha256);
  // kept unless this machine now grades a step it did not then (or the reverse)
  if (stored && sameNotGraded(stored, cfg)) return { ...stored, resumed: true };
  if (!read.ok) return rejected(src, read.sha256, read.reason, cfg, started);

  const dir = path.join(cfg.workRoot, `${src.key}-${crypto.randomBytes(3).toString('hex')}`);
  const wsEntry = cfg.ledger.record({ kind: 'path', path: dir });
  const notes: string[] = [];
  const results: CheckResult[] = [];
  try {
    const ws = createWorkspace(dir, cfg.kit);
    const written = writeSubmission(read.raw, ws.stepsDir);
    notes.push(...written.notes);
    fillMissingSteps(ws, cfg.kit);
    notes.push(...reviewNotes(read.raw));

    const handedIn = new Map(written.steps.map((s) => [s.step, s]));
    for (const step of cfg.steps) {
      const cat = cfg.catalog.get(step);
      if (!cat) continue;
      if (cfg.signal?.aborted) throw new Aborted();
      const notGraded = cfg.notGraded?.get(step);
      if (notGraded !== undefined) {
        results.push(notGradedResult(cat, notGraded));
        continue;
      }
      const mine = handedIn.get(step);
      const untouched = mine === undefined || isPristine(cfg.kit.skeletonDir, mine.file, read.raw.steps.find((s) => s.step === step)?.data);
      if (untouched) {
        // the check would only meet the skeleton's todo(): no need to start it
        results.push(
          blanketResult(cat, 'not-attempted', mine ? 'the step is the skeleton, unchanged' : 'the step was not handed in', ws.stepsDir),
        );
        continue;
      }
      let outcome: Awaited<ReturnType<typeof runStep>>;
      for (let attempt = 0; ; attempt++) {
        const alone = attempt > 0 || (cfg.exclusiveSteps?.has(step) ?? false);
        const release = cfg.gate ? await (alone ? cfg.gate.enterExclusive() : cfg.gate.enterShared()) : () => undefined;
        try {
          outcome = await runStep({
            ws,
            cat,
            timeoutMs: cfg.timeoutMs,
            limits: cfg.jail,
            jails: cfg.jails,
            ledger: cfg.ledger,
            signal: cfg.signal,
            grading: cfg.grading,
          });
        } finally {
          release();
        }
        if (cfg.signal?.aborted) throw new Aborted();
        if (attempt >= (cfg.inconclusiveRetries ?? 2) || !inconclusive(outcome.result)) break;
        notes.push(`step ${step}: the check found the machine too busy to judge; run again alone`);
        await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
      }
      results.push(outcome.result);
      if (outcome.note) notes.push(outcome.note);
      if (outcome.reclaimErrors.length) notes.push(`step ${step}: cleanup after the check: ${outcome.reclaimErrors.join('; ')}`);
      if (cfg.logsDir) {
        const logDir = path.join(cfg.logsDir, src.key);
        fs.mkdirSync(logDir, { recursive: true });
        fs.writeFileSync(
          path.join(logDir, `step${step}.log`),
          `exit: ${JSON.stringify(outcome.exit)} timedOut: ${outcome.timedOut} oom: ${outcome.oom}\n${outcome.stderrTail}`,
        );
      }
    }
    return {
      key: src.key,
      source: src.path,
      sha256: read.sha256,
      manifest: written.manifest,
      status: 'graded',
      results,
      notes,
      gradedAt: now(),
      durationMs: Date.now() - started,
    };
  } finally {
    const left = removeWorkspace(dir);
    if (left) notes.push(left);
    else cfg.ledger.forget(wsEntry);
  }
}

function sameNotGraded(g: StudentGrade, cfg: EngineConfig): boolean {
  const then = g.results
    .filter((r) => r.status === 'not-graded')
    .map((r) => r.step)
    .sort()
    .join(',');
  const now = [...(cfg.notGraded?.keys() ?? [])]
    .filter((s) => cfg.steps.includes(s))
    .sort()
    .join(',');
  return then === now;
}

function isPristine(skeletonDir: string, file: string, data: Buffer | undefined): boolean {
  if (!data) return true;
  const id = file.slice(0, 2);
  const skeleton = fs.existsSync(skeletonDir)
    ? fs.readdirSync(skeletonDir).find((f) => f.startsWith(`${id}-`) && f.endsWith('.ts'))
    : undefined;
  if (!skeleton) return false;
  return normalize(fs.readFileSync(path.join(skeletonDir, skeleton), 'utf8')) === normalize(data.toString('utf8'));
}

export interface ClassCallbacks {
  onStart?(src: SubmissionSource): void;
  onDone?(grade: StudentGrade & { resumed?: boolean }): void;
}

/** Grade every submission, `jobs` at a time; finished ones go to the resume file as they end. */
export async function gradeClass(
  sources: SubmissionSource[],
  jobs: number,
  cfg: EngineConfig,
  cb: ClassCallbacks = {},
): Promise<StudentGrade[]> {
  const grades = await runPool(
    sources,
    jobs,
    async (src) => {
      cb.onStart?.(src);
      let g: StudentGrade & { resumed?: boolean };
      try {
        g = await gradeSubmission(src, cfg);
      } catch (err) {
        if (err instanceof Aborted || cfg.signal?.aborted) return undefined;
        // a grader bug must not cost the other students their grades
        g = rejected(
          src,
          '',
          `the grader itself failed on this submission (not the student's fault): ${(err as Error).message}`,
          cfg,
          Date.now(),
        );
      }
      if (!g.resumed) cfg.resume?.add(g);
      cb.onDone?.(g);
      return g;
    },
    cfg.signal,
  );
  return grades.filter((g): g is StudentGrade => g !== undefined);
}
