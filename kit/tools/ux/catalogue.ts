// The steps a student can work on, discovered at run time (steps land one by
// one): every step file of the steps folder or of solutions/, with its title,
// its site page and its pristine skeleton. Nothing here imports a step file,
// so a step that does not compile is still listed.

import fs from 'node:fs';
import path from 'node:path';
import { shippedSkeleton } from '../../core/edition.ts';
import { projectRoot, solutionsDir } from '../../core/paths.ts';
import { skeletonOf } from '../skeleton.ts';
import { listStepFiles } from '../../core/steps.ts';

export interface StepEntry {
  id: number;
  /** slug, e.g. 'pid' */
  name: string;
  /** file name, e.g. '01-pid.ts' */
  basename: string;
  /** the student's file */
  file: string;
  /** false when only solutions/ has it (deleted by mistake, or steps/ not regenerated): reset creates it */
  exists: boolean;
  title: string;
  /** site page path, e.g. '/steps/01-pid' */
  page: string;
  /** site/steps/01-pid.md (may not exist yet) */
  pageFile: string;
}

export function stepCatalogue(stepsDir: string): StepEntry[] {
  const byId = new Map<number, StepEntry>();
  for (const f of [...listStepFiles(solutionsDir), ...listStepFiles(stepsDir)]) {
    if (byId.has(f.id)) continue;
    const basename = path.basename(f.file);
    const slug = basename.replace(/\.ts$/, '');
    byId.set(f.id, {
      id: f.id,
      name: f.name,
      basename,
      file: path.join(stepsDir, basename),
      exists: fs.existsSync(path.join(stepsDir, basename)),
      title: titleOf(path.join(solutionsDir, basename)) ?? titleOf(path.join(stepsDir, basename)) ?? f.name,
      page: `/steps/${slug}`,
      pageFile: path.join(projectRoot, 'site', 'steps', `${slug}.md`),
    });
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

export function findStep(stepsDir: string, id: number): StepEntry | undefined {
  return stepCatalogue(stepsDir).find((s) => s.id === id);
}

/** The `title: '...'` of a step file, read as text. */
function titleOf(file: string): string | undefined {
  try {
    const m = /^\s*title:\s*(['"`])(.*?)\1\s*,?\s*$/m.exec(fs.readFileSync(file, 'utf8'));
    return m?.[2];
  } catch {
    return undefined;
  }
}

/** The skeleton of a step exactly as shipped (generated from its solution, or as the student edition shipped it), or undefined. */
export function pristineSkeleton(step: StepEntry): string | undefined {
  const solution = path.join(solutionsDir, step.basename);
  if (!fs.existsSync(solution)) return shippedSkeleton(step.basename);
  return skeletonOf(fs.readFileSync(solution, 'utf8'), solution);
}
