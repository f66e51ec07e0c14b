// `npm start`: the menu of steps, for those who prefer choosing to typing.

import { asker } from '../../core/ask.ts';
import { stepsDirFrom } from '../../core/paths.ts';
import { Menu } from '../ux/menu.ts';
import { parseArgs } from './args.ts';
import type { Command } from './command-type.ts';

export const menuCommand: Command = {
  usage: `usage: npm start [-- --steps-dir DIR]

Lists the steps with where you stand on each (done, in progress, not started,
from your last check), and lets you check a step, run it, read its next hint,
open its page or reset it. Arrow keys on a terminal; numbered choices when
input is not a terminal.

  --steps-dir DIR   use the step files in DIR`,
  async run(argv) {
    const args = parseArgs(argv);
    const ask = asker();
    try {
      return await new Menu({ stepsDir: stepsDirFrom(args.flags), ask }).run();
    } finally {
      ask.close();
    }
  },
};
