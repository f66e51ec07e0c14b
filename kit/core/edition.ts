// Which edition of the kit this is. The maintainers' repository is the full
// kit (solutions/, grading, perf); `npm run release` writes the student
// edition, marked by kit/edition/edition.json, with the pristine skeletons of
// the steps next to it (kit/edition/skeletons/NN-name.ts.txt) so that reset
// and submit know what "untouched" means without solutions/.

import fs from 'node:fs';
import path from 'node:path';
import { KitError } from './errors.ts';
import { projectRoot, solutionsDir } from './paths.ts';

export interface EditionInfo {
  edition: 'full' | 'student';
  /** the kit version it was made from */
  version: string;
  /** when `npm run release` wrote it */
  madeAt?: string;
}

export const editionDir = (root = projectRoot): string => path.join(root, 'kit', 'edition');
export const editionFile = (root = projectRoot): string => path.join(editionDir(root), 'edition.json');
export const shippedSkeletonFile = (basename: string, root = projectRoot): string =>
  path.join(editionDir(root), 'skeletons', `${basename}.txt`);

export function edition(root = projectRoot): EditionInfo {
  try {
    const e = JSON.parse(fs.readFileSync(editionFile(root), 'utf8')) as Partial<EditionInfo>;
    if (e.edition === 'student') return { edition: 'student', version: String(e.version ?? '?'), madeAt: e.madeAt };
  } catch {
    // no marker: the full kit
  }
  return { edition: 'full', version: kitVersion(root) };
}

export function kitVersion(root = projectRoot): string {
  try {
    return String((JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

/** The skeleton of a step as this copy of the kit shipped it (student edition), if recorded. */
export function shippedSkeleton(basename: string, root = projectRoot): string | undefined {
  try {
    return fs.readFileSync(shippedSkeletonFile(basename, root), 'utf8');
  } catch {
    return undefined;
  }
}

/** `--solution` in a copy without solutions/: say why, instead of "there is no step 1". */
export function noSolutionsError(): KitError {
  const student = edition().edition === 'student';
  return new KitError(
    student
      ? 'This is the student edition of the kit: it has no solutions/ folder, so there is no --solution to run. The reference solutions stay with your instructor.'
      : `There is no solutions/ folder in this copy of the kit (${solutionsDir}), so --solution has nothing to run.`,
    {
      hint: student
        ? 'Run your own steps (`npm run step N`), and `npm run hint N` when you are stuck: each call gives the next hint.'
        : "Use the full kit (the maintainers' repository) for the reference solutions, or leave out --solution.",
      page: '/guide/introduction',
      exitCode: 2,
    },
  );
}

/** Commands that need the full kit (grade, skeletons, perf, release) call this first. */
export function requireFullKit(command: string): void {
  if (fs.existsSync(solutionsDir) && edition().edition === 'full') return;
  const student = edition().edition === 'student';
  throw new KitError(
    `\`npm run ${command}\` needs the full kit, with the reference solutions (solutions/), and ${student ? 'this is the student edition' : 'this copy has no solutions/ folder'}.`,
    {
      hint:
        command === 'grade'
          ? "Grade with the instructor's full kit (the maintainers' repository), where the reference solutions are graded first so that a broken machine is not blamed on students."
          : "Run it in the full kit (the maintainers' repository).",
      page: command === 'grade' ? '/guide/instructor-grading' : '/guide/instructor',
      exitCode: 2,
    },
  );
}
