// Putting one step file back to the skeleton as shipped (generated from its
// solution, exactly what `npm run skeletons` writes), after a backup of the
// student's version in state/backups/.

import fs from 'node:fs';
import path from 'node:path';
import { KitError } from '../../core/errors.ts';
import { giveBack } from '../../core/owner.ts';
import { stateDir } from '../../core/paths.ts';
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
      throw new KitError(`Could not keep a backup of ${step.basename} in ${backupsDir()}, so it was left as it is: ${(err as Error).message}`, {
        hint: 'Make the state folder writable (it may belong to root after a run through sudo: `sudo chown -R $USER state`), then try again.',
        page: '/guide/troubleshooting',
      });
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
