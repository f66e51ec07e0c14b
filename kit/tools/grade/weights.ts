// Points per assertion come from the checks; an instructor may re-weight them
// with a JSON file:
//   { "steps": { "4": 2, "5": 0 },          multiply a step's points (0 drops it)
//     "assertions": { "1.pid1": 5 },        set one assertion's points (step.id)
//     "scale": 100 }                        rescale so the maximum total is 100
// Weights are applied when reports are written, never stored in results.

import fs from 'node:fs';
import { scoreOf } from '../check/score.ts';
import type { AssertionResult, CheckResult } from '../check/types.ts';
import { KitError } from '../../core/errors.ts';

export interface Weights {
  steps?: Record<string, number>;
  assertions?: Record<string, number>;
  scale?: number;
}

const PAGE = '/guide/instructor-grading#weights';

export function loadWeights(file: string): Weights {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new KitError(`Cannot read the weights file ${file}: ${(err as Error).message}`, {
      hint: 'It must be JSON like {"steps": {"4": 2}, "assertions": {"1.pid1": 5}, "scale": 100}.',
      page: PAGE,
      exitCode: 2,
    });
  }
  return validateWeights(raw, file);
}

export function validateWeights(raw: unknown, where = 'weights'): Weights {
  const bad = (what: string) =>
    new KitError(`${where}: ${what}`, {
      hint: 'Weights are non-negative numbers; keys are step numbers ("4") or step.assertion ("1.pid1").',
      page: PAGE,
      exitCode: 2,
    });
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('expected a JSON object');
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!['steps', 'assertions', 'scale'].includes(key)) throw bad(`unknown key "${key}"`);
  const table = (name: 'steps' | 'assertions', keyPattern: RegExp): Record<string, number> | undefined => {
    const t = obj[name];
    if (t === undefined) return undefined;
    if (!t || typeof t !== 'object' || Array.isArray(t)) throw bad(`"${name}" must be an object`);
    for (const [k, v] of Object.entries(t)) {
      if (!keyPattern.test(k)) throw bad(`"${name}" has a bad key "${k}"`);
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw bad(`"${name}.${k}" must be a number >= 0`);
    }
    return t as Record<string, number>;
  };
  const scale = obj.scale;
  if (scale !== undefined && (typeof scale !== 'number' || !(scale > 0))) throw bad('"scale" must be a number > 0');
  return { steps: table('steps', /^\d+$/), assertions: table('assertions', /^\d+\.[\w-]+$/), scale: scale as number | undefined };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Steps from here on are "beyond the lab" (6: user namespace, 7: hardening): optional, weight 0 unless the weights file gives one. */
export const FIRST_OPTIONAL_STEP = 6;
const defaultStepWeight = (step: number): number => (step >= FIRST_OPTIONAL_STEP ? 0 : 1);

/** The weight a step's points get: the weights file's, else 1 (0 for the optional steps). */
export const stepWeight = (w: Weights, step: number): number => w.steps?.[String(step)] ?? defaultStepWeight(step);

/** The results with points re-weighted and scores recomputed (pass earns the points, anything else 0). */
export function applyWeights(results: CheckResult[], w: Weights = {}): CheckResult[] {
  const weighted = results.map((r) => {
    const mult = stepWeight(w, r.step);
    const assertions: AssertionResult[] = r.assertions.map((a) => ({
      ...a,
      points: (w.assertions?.[`${r.step}.${a.id}`] ?? a.points) * mult,
    }));
    return { ...r, assertions };
  });
  const max = weighted.reduce((s, r) => s + scoreOf(r.assertions).maxScore, 0);
  const factor = w.scale && max > 0 ? w.scale / max : 1;
  return weighted.map((r) => {
    const assertions = r.assertions.map((a) => ({ ...a, points: round2(a.points * factor) }));
    const { score, maxScore } = scoreOf(assertions);
    return { ...r, assertions, score: round2(score), maxScore: round2(maxScore) };
  });
}

export interface Totals {
  score: number;
  maxScore: number;
  /** 0..100, one decimal */
  percent: number;
}

export function totals(results: CheckResult[]): Totals {
  const score = round2(results.reduce((s, r) => s + r.score, 0));
  const maxScore = round2(results.reduce((s, r) => s + r.maxScore, 0));
  return { score, maxScore, percent: maxScore > 0 ? Math.round((score / maxScore) * 1000) / 10 : 0 };
}
