// `npm run watch [N]`: re-check the step you are editing on every save.

import { stepsDirFrom } from '../../core/paths.ts';
import { stepFrom } from '../ux/step-args.ts';
import { Watcher } from '../ux/watcher.ts';
import { parseArgs } from './args.ts';
import type { Command } from './command-type.ts';
import { ensureLinux, ensureRoot } from './privileges.ts';

export const watchCommand: Command = {
  usage: `usage: npm run watch [N] [-- [--steps-dir DIR] [--json]]

Checks step N (without N: the first step not done), then watches the steps
folder: every time you save a step file, that step's check runs again and
only what changed since the previous run is shown. A file that does not
compile is reported, and watching goes on.

keys:  h  the next hint for the TODO you are on
       r  check again now
       f  the full result of the last check
       q  quit (Ctrl-C too)

  --steps-dir DIR   watch the step files in DIR
  --json            also print one JSON line per check on stdout`,
  async run(argv) {
    const args = parseArgs(argv, ['json']);
    const dir = stepsDirFrom(args.flags);
    const step = stepFrom(args.positional, dir, 'watch');
    ensureLinux();
    // once, here, rather than a sudo in every check
    ensureRoot();
    return new Watcher({ stepsDir: dir, step, json: args.flags.json === true }).run();
  },
};
