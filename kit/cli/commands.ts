// The registry of CLI commands. Each one: a summary line, its usage text
// (shown by --help) and a run function returning the exit code.

import { checkCommand } from './check.ts';
import { cleanCommand } from './clean.ts';
import { hintCommand } from './hint.ts';
import { menuCommand } from './menu.ts';
import { perfCommand } from './perf.ts';
import { preflightCommand } from './preflight.ts';
import { resetCommand } from './reset.ts';
import { skeletonsCommand } from './skeletons.ts';
import { stepCommand } from './step.ts';
import { watchCommand } from './watch.ts';

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

export const commands: Record<string, Command> = {
  step: stepCommand,
  check: checkCommand,
  clean: cleanCommand,
  preflight: preflightCommand,
  perf: perfCommand,
  skeletons: skeletonsCommand,
  menu: menuCommand,
  watch: watchCommand,
  hint: hintCommand,
  reset: resetCommand,
};
