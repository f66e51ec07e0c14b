// `npm run hint [N]`: the next hint of the TODO you are on, the same text as
// the step's page; each call goes one hint further.

import { stepsDirFrom } from '../../core/paths.ts';
import { formatHint, hintJson } from '../ux/hint-view.ts';
import { nextHint, resetHints } from '../ux/hints.ts';
import { palette } from '../ux/progress.ts';
import { stepFrom } from '../ux/step-args.ts';
import { parseArgs } from './args.ts';
import type { Command } from './command-type.ts';
import { say, warn } from './output.ts';

export const hintCommand: Command = {
  usage: `usage: npm run hint [N] [-- [--todo ID] [--all] [--reset] [--json] [--steps-dir DIR]]

Shows the next hint for the first TODO still in your step file (without N:
the first step not done). Hints go from a nudge (the idea) to the syscall or
command and its man page, then the shape of the code, never the literal line;
they are the ones on the step's page (site/steps/NN-name.md), and the level you reached
is remembered in state/hints.json.

  --todo ID         hints of this TODO instead
  --all             every hint of the TODO at once
  --reset           forget the hints seen for step N (and show none)
  --json            print the hint as JSON on stdout
  --steps-dir DIR   use the step files in DIR`,
  async run(argv) {
    const args = parseArgs(argv, ['all', 'reset', 'json']);
    const dir = stepsDirFrom(args.flags);
    const step = stepFrom(args.positional, dir, 'hint');
    if (args.flags.reset) {
      const ok = resetHints(dir, step.id);
      if (args.flags.json) process.stdout.write(`${JSON.stringify({ step: step.id, kind: 'reset', remembered: ok })}\n`);
      else if (ok) say(`step ${step.id}: hints start over from the first one`);
      else warn('the state folder is not writable: nothing to reset');
      return ok ? 0 : 1;
    }
    const todoId = typeof args.flags.todo === 'string' ? args.flags.todo : undefined;
    const answer = nextHint(step, { stepsDir: dir, todoId, all: args.flags.all === true });
    if (args.flags.json) process.stdout.write(`${JSON.stringify(hintJson(answer), null, 2)}\n`);
    else process.stderr.write(`${formatHint(answer, palette(process.stderr))}\n`);
    return answer.kind === 'hint' || answer.kind === 'all-written' ? 0 : 1;
  },
};
