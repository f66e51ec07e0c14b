// `npm run reset N`: put step N back to the skeleton as shipped, after asking,
// keeping your version in state/backups/.

import path from 'node:path';
import { KitError } from '../../core/errors.ts';
import { projectRoot, stepsDirFrom } from '../../core/paths.ts';
import type { ResetOutcome } from '../ux/reset.ts';
import { parseArgs } from './args.ts';
import type { Command } from './commands.ts';
import { say } from './output.ts';

export const resetCommand: Command = {
  summary: 'put step N back to its skeleton (keeps a backup)',
  usage: `usage: npm run reset N [-- [--yes] [--json] [--steps-dir DIR]]

Replaces your steps/NN-name.ts with the skeleton as shipped, after asking.
Your version is kept in state/backups/NN-name.<date>.ts first.

  --yes             do not ask (needed when not at a terminal)
  --json            print what was done as JSON on stdout
  --steps-dir DIR   reset the step file in DIR`,
  async run(argv) {
    const args = parseArgs(argv, ['yes', 'json']);
    const { asker, isTerminal } = await import('../../core/ask.ts');
    const { resetStep } = await import('../ux/reset.ts');
    const { stepFrom } = await import('../ux/step-args.ts');
    if (args.positional.length !== 1) {
      throw new KitError('Which step? Give one step number, e.g. `npm run reset 1`.', { exitCode: 2 });
    }
    const dir = stepsDirFrom(args.flags);
    const step = stepFrom(args.positional, dir, 'reset');
    const outcome = await resetStep(step, {
      stepsDir: dir,
      async confirm(s) {
        if (args.flags.yes) return true;
        if (!isTerminal()) {
          throw new KitError(`Not resetting ${rel(s.file)}: nobody to ask (not a terminal).`, { hint: 'Run again with --yes.', exitCode: 2 });
        }
        const ask = asker();
        try {
          return await ask.confirm(`Replace ${rel(s.file)} with its skeleton? (your version is kept in state/backups/)`);
        } finally {
          ask.close();
        }
      },
    });
    if (args.flags.json) process.stdout.write(`${JSON.stringify({ step: step.id, ...outcome }, null, 2)}\n`);
    else say(describeReset(outcome));
    return outcome.kind === 'cancelled' ? 1 : 0;
  },
};

export function describeReset(o: ResetOutcome): string {
  switch (o.kind) {
    case 'already-pristine':
      return `${rel(o.file)} already is the skeleton as shipped: nothing to do`;
    case 'cancelled':
      return `${rel(o.file)} left as it is`;
    case 'reset':
      return `${rel(o.file)} is the skeleton again${o.backup ? `; your version is in ${rel(o.backup)}` : ''}`;
  }
}

const rel = (p: string): string => path.relative(projectRoot, p) || p;
