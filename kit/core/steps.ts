// Finding and loading step files: steps/NN-name.ts (the student's),
// solutions/NN-name.ts (the reference), or a grading workspace's copy.

import fs from 'node:fs';
import path from 'node:path';
import { noSolutionsError } from './edition.ts';
import { KitError } from './errors.ts';
import { stopEsbuild } from './esbuild.ts';
import { enforceImportRule } from './student-imports.ts';
import { importTs } from './ts-import.ts';
import { solutionsDir } from './paths.ts';
import type { StepDefinition } from './types.ts';

const STEP_FILE = /^(\d\d)-([\w-]+)\.ts$/;

export interface StepFile {
  id: number;
  name: string;
  file: string;
}

export function listStepFiles(dir: string): StepFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((f) => STEP_FILE.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ id: Number(m[1]), name: m[2], file: path.join(dir, m[0]) }))
    .sort((a, b) => a.id - b.id);
}

/** A copy of the kit without solutions/ (the student edition) explains `--solution` instead of "no step N". */
export function requireStepsDir(dir: string): void {
  if (path.resolve(dir) === solutionsDir && !fs.existsSync(solutionsDir)) throw noSolutionsError();
}

export function stepFile(dir: string, id: number): StepFile {
  requireStepsDir(dir);
  const files = listStepFiles(dir);
  const found = files.find((s) => s.id === id);
  if (!found) {
    const known = files.map((s) => `${s.id} (${s.name})`).join(', ') || 'none';
    throw new KitError(`There is no step ${id}. The steps are: ${known}.`, {
      hint: 'Run e.g. `npm run step 1`.',
      page: '/steps/',
      exitCode: 2,
    });
  }
  return found;
}

export async function loadStep(file: StepFile): Promise<StepDefinition> {
  let mod: { default?: StepDefinition };
  try {
    // the import rule first: a refused import must not run (kit/core/student-imports.ts)
    mod = (await importTs(file.file, enforceImportRule)) as { default?: StepDefinition };
  } catch (err) {
    if (err instanceof KitError) throw err; // the import rule's own message
    throw new KitError(`${path.relative(process.cwd(), file.file)} could not be loaded: ${firstLine(err)}`, {
      hint: 'Fix the syntax or import error at the line shown, then try again (`npm run typecheck` shows all type errors).',
      page: '/guide/troubleshooting#step-does-not-compile',
      cause: err,
    });
  }
  const def = mod.default;
  if (!def || typeof def !== 'object' || def.id !== file.id) {
    throw new KitError(`${path.relative(process.cwd(), file.file)} must \`export default\` the step definition of step ${file.id}.`, {
      hint: 'Keep the `export default step;` line of the skeleton.',
      page: '/guide/troubleshooting#step-does-not-compile',
    });
  }
  return def;
}

/** Steps 1..id, loaded: the container of step N is steps 1..N composed. */
export async function loadStepsUpTo(dir: string, id: number): Promise<StepDefinition[]> {
  stepFile(dir, id);
  const files = listStepFiles(dir).filter((s) => s.id <= id);
  const steps: StepDefinition[] = [];
  try {
    for (const f of files) steps.push(await loadStep(f));
  } finally {
    // a container starts next: no compiler process of the kit's beside it
    await stopEsbuild();
  }
  return steps;
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n').slice(0, 3).join(' ').trim();
}
