// Which step a student command works on (the folder: core/paths.ts's stepsDirFrom).

import { KitError } from '../../core/errors.ts';
import { stepCatalogue, type StepEntry } from './catalogue.ts';
import { currentStep, stepStatuses } from './status.ts';

/** Step N from the arguments, or (without N) the first step not done yet. */
export function stepFrom(positional: string[], stepsDir: string, command: string): StepEntry {
  const steps = stepCatalogue(stepsDir);
  if (positional.length === 0) {
    const current = currentStep(stepStatuses(stepsDir));
    if (current) return current;
  }
  const id = Number(positional[0]);
  const found = steps.find((s) => s.id === id);
  if (!found || positional.length > 1) {
    const known = steps.map((s) => `${s.id} (${s.name})`).join(', ') || 'none';
    throw new KitError(
      positional.length ? `There is no step ${positional.join(' ')}. The steps are: ${known}.` : 'There are no steps to work on.',
      { hint: `Give one step number, e.g. \`npm run ${command} 1\`.`, page: '/steps/', exitCode: 2 },
    );
  }
  return found;
}
