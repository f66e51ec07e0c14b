// todo() marks the parts of a step a student writes. It throws NotDoneError,
// which the runner and the checks report as "not attempted" (not "wrong").

import path from 'node:path';
import { NotDoneError } from './errors.ts';
import { callerLocation } from './origin.ts';

export function todo(id: string, task: string): never {
  const where = callerLocation();
  // steps/02-mount.ts explains itself on the site page /steps/02-mount,
  // each TODO in its own section
  const page = where ? `/steps/${path.basename(where.file, '.ts')}#todo-${id}` : '/steps/';
  throw new NotDoneError(id, task, where, page);
}
