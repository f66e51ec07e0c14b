// Where a student stands on each step: done, in progress, or not started,
// from the last check of each step (state/last-check.json, written by
// `npm run check`) and from whether the file still is the shipped skeleton.

import fs from 'node:fs';
import type { CheckResult } from '../check/types.ts';
import { pristineSkeleton, stepCatalogue, type StepEntry } from './catalogue.ts';
import { readState, stepKey, writeState } from './state-file.ts';

export const LAST_CHECK = 'last-check.json';

/** One entry of state/last-check.json. */
export interface LastCheck {
  step: number;
  stepsDir: string;
  status: CheckResult['status'];
  score: number;
  maxScore: number;
  /** ISO time */
  at: string;
}

export type Progress = 'done' | 'in-progress' | 'not-started';

export interface StepStatus extends StepEntry {
  progress: Progress;
  last?: LastCheck;
  /** the file still is the skeleton as shipped */
  pristine: boolean;
  /** the file changed after its last check */
  editedSinceCheck: boolean;
}

export function lastChecks(): Record<string, LastCheck> {
  return readState<Record<string, LastCheck>>(LAST_CHECK, {});
}

export function lastCheck(stepsDir: string, step: number): LastCheck | undefined {
  return lastChecks()[stepKey(stepsDir, step)];
}

/** Forget a step's last check (after a reset it is not started again). */
export function forgetCheck(stepsDir: string, step: number): boolean {
  const all = lastChecks();
  const key = stepKey(stepsDir, step);
  if (!(key in all)) return true;
  delete all[key];
  return writeState(LAST_CHECK, all);
}

export function stepStatuses(stepsDir: string): StepStatus[] {
  const checks = lastChecks();
  return stepCatalogue(stepsDir).map((s) => statusOf(s, checks[stepKey(stepsDir, s.id)]));
}

export function statusOf(s: StepEntry, last: LastCheck | undefined): StepStatus {
  let text: string | undefined;
  let mtime = 0;
  try {
    text = fs.readFileSync(s.file, 'utf8');
    mtime = fs.statSync(s.file).mtimeMs;
  } catch {
    // missing file: not started (reset brings it back)
  }
  const skeleton = pristineSkeleton(s);
  const pristine = text === undefined || (skeleton !== undefined && text === skeleton);
  const editedSinceCheck = last !== undefined && mtime > Date.parse(last.at);
  const progress: Progress =
    last?.status === 'pass' ? 'done' : !pristine || (last !== undefined && last.status !== 'not-attempted') ? 'in-progress' : 'not-started';
  return { ...s, progress, last, pristine, editedSinceCheck };
}

/** The step to work on now: the first one of the folder not done (or the last one when all are). */
export function currentStep(statuses: StepStatus[]): StepStatus | undefined {
  const present = statuses.filter((s) => s.exists);
  return present.find((s) => s.progress !== 'done') ?? present[present.length - 1];
}
