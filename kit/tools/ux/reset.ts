// Putting one step file back to the skeleton as shipped (generated from its
// solution, exactly what `npm run skeletons` writes), after a backup of the
// student's version in state/backups/.

import fs from 'node:fs';
import path from 'node:path';
import { KitError } from '../../core/errors.ts';
import { giveBack } from '../../core/owner.ts';
import { projectRoot, stateDir } from '../../core/paths.ts';
import { pristineSkeleton, type StepEntry } from './catalogue.ts';
import { forgetCheck } from './status.ts';

export const backupsDir = (): string => path.join(stateDir(), 'backups');

export type ResetOutcome =
  | { kind: 'already-pristine'; file: string }
  | { kind: 'cancelled'; file: string }
  | { kind: 'reset'; file: string; backup: string | undefined };

export interface ResetRequest {
  stepsDir: string;
  /** asked only when the file differs from the skeleton; undefined = nobody answered */
  confirm(step: StepEntry): Promise<boolean | undefined>;
}

export function needsReset(step: StepEntry): boolean {
  const skeleton = pristineSkeleton(step);
  return skeleton !== undefined && readOrUndefined(step.file) !== skeleton;
}

export async function resetStep(step: StepEntry, req: ResetRequest): Promise<ResetOutcome> {
  const skeleton = pristineSkeleton(step);
  if (skeleton === undefined) {
    throw new KitError(`Step ${step.id} has no reference in solutions/ to make its skeleton from.`, { page: '/steps/', exitCode: 2 });
  }
  const current = readOrUndefined(step.file);
  if (current === skeleton) return { kind: 'already-pristine', file: step.file };
  // a missing file has nothing to lose: no question
  if (current !== undefined && (await req.confirm(step)) !== true) return { kind: 'cancelled', file: step.file };

  let backup: string | undefined;
  if (current !== undefined) {
    backup = path.join(backupsDir(), `${step.basename.replace(/\.ts$/, '')}.${stamp()}.ts`);
    try {
      fs.mkdirSync(backupsDir(), { recursive: true });
      fs.writeFileSync(backup, current, { flag: 'wx' });
    } catch (err) {
      // never overwrite a student's work without its copy
      throw new KitError(
        `Could not keep a backup of ${step.basename} in ${backupsDir()}, so it was left as it is: ${(err as Error).message}`,
        {
          hint: 'Make the state folder writable (it may belong to root after a run through sudo: `sudo chown -R $USER state`), then try again.',
          page: '/guide/troubleshooting',
        },
      );
    }
  }
  fs.mkdirSync(path.dirname(step.file), { recursive: true });
  fs.writeFileSync(step.file, skeleton);
  // through sudo (the menu), the step file and its backup stay the student's
  giveBack([step.file, ...(backup ? [backupsDir()] : [])]);
  forgetCheck(req.stepsDir, step.id);
  return { kind: 'reset', file: step.file, backup };
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** 2026-11-29T01-42-03-123 (sortable, no colon for other filesystems) */
const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');

/** A step file's path as the student sees it: relative to the project. */
export const shownPath = (p: string): string => path.relative(projectRoot, p) || p;

/** The question before a reset: `npm run reset` and the menu ask the same. */
export const resetQuestion = (file: string): string =>
  `Replace ${shownPath(file)} with its skeleton? (your version is kept in state/backups/)`;

/** What a reset did, in one line: `npm run reset` and the menu say the same. */
export function describeReset(o: ResetOutcome): string {
  switch (o.kind) {
    case 'already-pristine':
      return `${shownPath(o.file)} already is the skeleton as shipped: nothing to do`;
    case 'cancelled':
      return `${shownPath(o.file)} left as it is`;
    case 'reset':
      return `${shownPath(o.file)} is the skeleton again${o.backup ? `; your version is in ${shownPath(o.backup)}` : ''}`;
  }
}
