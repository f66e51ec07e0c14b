// Escalating hints, the same text as the site's: parsed from the step's page
// (site/steps/NN-name.md, format in site/steps/FORMAT.md) by step-pages.ts,
// the parser the site's sidebar uses too, so there is one copy of every hint. Each call gives the next hint of
// the first TODO still in the student's file; the level reached is remembered
// per TODO in state/hints.json.

import fs from 'node:fs';
import { parseStepPage, todoIdsInSource, type Hint, type TodoSection } from './step-pages.ts';
import { pristineSkeleton, type StepEntry } from './catalogue.ts';
import { readState, stepKey, writeState } from './state-file.ts';

export type { Hint, TodoSection };

const HINTS_FILE = 'hints.json';

/** state/hints.json: `${stepsDir}#${step}` -> TODO id -> hints seen. */
type Levels = Record<string, Record<string, number>>;

/** The TODO sections of a step's page, or undefined when the page does not exist yet. */
export function pageTodos(step: StepEntry): TodoSection[] | undefined {
  let md: string;
  try {
    md = fs.readFileSync(step.pageFile, 'utf8');
  } catch {
    return undefined;
  }
  return parseStepPage(md).todos;
}

/** TODO ids still in the student's file, in order (empty when all are written); all of them when the file is missing. */
export function remainingTodos(step: StepEntry): string[] {
  try {
    return todoIdsInSource(fs.readFileSync(step.file, 'utf8'));
  } catch {
    return todoIdsInSource(pristineSkeleton(step) ?? '');
  }
}

export function seenLevels(stepsDir: string, step: number): Record<string, number> {
  return readState<Levels>(HINTS_FILE, {})[stepKey(stepsDir, step)] ?? {};
}

function saveLevels(stepsDir: string, step: number, levels: Record<string, number> | undefined): boolean {
  const all = readState<Levels>(HINTS_FILE, {});
  if (levels && Object.keys(levels).length) all[stepKey(stepsDir, step)] = levels;
  else delete all[stepKey(stepsDir, step)];
  return writeState(HINTS_FILE, all);
}

export const resetHints = (stepsDir: string, step: number): boolean => saveLevels(stepsDir, step, undefined);

export type HintAnswer =
  /** the page with the hints does not exist yet */
  | { kind: 'no-page'; step: StepEntry }
  /** every TODO of the step is written */
  | { kind: 'all-written'; step: StepEntry; todos: TodoSection[] }
  /** the TODO asked for is not on the page */
  | { kind: 'unknown-todo'; step: StepEntry; todoId: string; todos: TodoSection[] }
  | {
      kind: 'hint';
      step: StepEntry;
      todo: TodoSection;
      /** the hints shown now (one, or all of them with `all`) */
      hints: Hint[];
      /** hints of this TODO seen so far, this one included */
      level: number;
      total: number;
      /** TODO ids still in the student's file */
      remaining: string[];
      /** false when the state folder refused the write */
      remembered: boolean;
    };

export interface HintRequest {
  stepsDir: string;
  /** a TODO id; default: the first one still in the student's file */
  todoId?: string;
  /** every hint of the TODO at once (does not change the level) */
  all?: boolean;
  /** only look: do not advance the level */
  peek?: boolean;
}

export function nextHint(step: StepEntry, req: HintRequest): HintAnswer {
  const todos = pageTodos(step);
  if (!todos) return { kind: 'no-page', step };
  const remaining = remainingTodos(step);
  const wanted = req.todoId ?? remaining.find((id) => todos.some((t) => t.id === id));
  if (!wanted) return { kind: 'all-written', step, todos };
  const todo = todos.find((t) => t.id === wanted);
  if (!todo || todo.hints.length === 0) return { kind: 'unknown-todo', step, todoId: wanted, todos };

  const levels = seenLevels(req.stepsDir, step.id);
  const total = todo.hints.length;
  if (req.all) {
    return { kind: 'hint', step, todo, hints: todo.hints, level: Math.max(levels[todo.id] ?? 0, 0), total, remaining, remembered: true };
  }
  const level = Math.min((levels[todo.id] ?? 0) + (req.peek ? 0 : 1), total) || 1;
  const remembered = req.peek ? true : saveLevels(req.stepsDir, step.id, { ...levels, [todo.id]: level });
  return { kind: 'hint', step, todo, hints: [todo.hints[level - 1]], level, total, remaining, remembered };
}
