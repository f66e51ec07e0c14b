// The registry of CLI commands. Each one: a summary line, its usage text
// (shown by --help) and a run function returning the exit code.

import { benchCli } from '../bench/cli.ts';
import { reportCli } from '../report/cli.ts';
import { checkCommand } from './check.ts';
import { cleanCommand } from './clean.ts';
import { execCommand, psCommand } from './exec.ts';
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
  /** shown by --help; a function for commands whose module loads on demand */
  usage: string | (() => Promise<string>);
  run(argv: string[]): Promise<number>;
}

// grade and submit are large (zip, sandbox, reports): loaded only when used,
// so that `npm run step` starts fast
const grade = () => import('../grade/command.ts');
const submit = () => import('../submit/command.ts');

export const commands: Record<string, Command> = {
  step: stepCommand,
  exec: execCommand,
  ps: psCommand,
  check: checkCommand,
  clean: cleanCommand,
  preflight: preflightCommand,
  perf: perfCommand,
  skeletons: skeletonsCommand,
  menu: menuCommand,
  watch: watchCommand,
  hint: hintCommand,
  reset: resetCommand,
  bench: benchCli,
  report: reportCli,
  grade: {
    summary: 'grade a class: every submission, in a sandbox, with reports',
    usage: async () => (await grade()).GRADE_USAGE,
    run: async (argv) => (await grade()).gradeCommand(argv),
  },
  submit: {
    summary: 'pack your work into one zip for your instructor',
    usage: async () => (await submit()).SUBMIT_USAGE,
    run: async (argv) => (await submit()).submitCommand(argv),
  },
};
