// `npm run reset N`: put step N back to the skeleton as shipped, after asking,
// keeping your version in state/backups/.

import { KitError } from '../../core/errors.ts';
import { asker, isTerminal } from '../../core/ask.ts';
import { projectRoot, stepsDirFrom } from '../../core/paths.ts';
import { describeReset, resetQuestion, resetStep, shownPath, type ResetOutcome } from '../ux/reset.ts';
import { stepFrom } from '../ux/step-args.ts';
import { parseArgs } from './args.ts';
import type { Command } from './command-type.ts';
import { say } from './output.ts';

export const resetCommand: Command = {
  usage: `usage: npm run reset N [-- [--yes] [--json] [--steps-dir DIR]]

Replaces your steps/NN-name.ts with the skeleton as shipped, after asking.
Your version is kept in state/backups/NN-name.<date>.ts first.

  --yes             do not ask (needed when not at a terminal)
  --json            print what was done as JSON on stdout
  --steps-dir DIR   reset the step file in DIR`,
  async run(argv) {
    const args = parseArgs(argv, ['yes', 'json']);
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
          throw new KitError(`Not resetting ${shownPath(s.file)}: nobody to ask (not a terminal).`, {
            hint: 'Run again with --yes.',
            exitCode: 2,
          });
        }
        const ask = asker();
        try {
          return await ask.confirm(resetQuestion(s.file));
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
