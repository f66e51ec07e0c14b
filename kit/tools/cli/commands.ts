// The registry of CLI commands. Each one: a summary line, its usage text
// (shown by --help) and a run function returning the exit code.

import { benchCli } from '../bench/cli.ts';
import { reportCli } from '../report/cli.ts';
import { checkCommand } from './check.ts';
import type { FullKitCommand } from './full-kit.ts';
import { cleanCommand } from './clean.ts';
import { execCommand, psCommand } from './exec.ts';
import { hintCommand } from './hint.ts';
import { menuCommand } from './menu.ts';
import { preflightCommand } from './preflight.ts';
import { resetCommand } from './reset.ts';
import { stepCommand } from './step.ts';
import { watchCommand } from './watch.ts';

export interface Command {
  summary: string;
  /** shown by --help; a function for commands whose module loads on demand, or whose help depends on the arguments (step N) */
  usage: string | ((argv: string[]) => Promise<string>);
  run(argv: string[]): Promise<number>;
}

// grade and submit are large (zip, sandbox, reports): loaded only when used,
// so that `npm run step` starts fast
const submit = () => import('../submit/command.ts');

/**
 * A command of the full kit only (grading, the kit's own benchmarks, making
 * skeletons and the student edition): its module is loaded on demand, and in
 * a copy without solutions/ (the student edition) it explains itself.
 */
function fullKitOnly(name: FullKitCommand, summary: string): Command {
  const load = async (): Promise<Command> => {
    (await import('../../core/edition.ts')).requireFullKit(name);
    return (await import('./full-kit.ts')).fullKitCommands[name]();
  };
  return {
    summary: `${summary} (full kit only)`,
    usage: async (argv) => {
      const c = await load();
      return typeof c.usage === 'string' ? c.usage : c.usage(argv);
    },
    run: async (argv) => (await load()).run(argv),
  };
}

export const commands: Record<string, Command> = {
  step: stepCommand,
  exec: execCommand,
  ps: psCommand,
  check: checkCommand,
  clean: cleanCommand,
  preflight: preflightCommand,
  perf: fullKitOnly('perf', "the kit's own benchmarks (medians, ratios to peers)"),
  skeletons: fullKitOnly('skeletons', 'regenerate steps/ from solutions/ (maintainers)'),
  release: fullKitOnly('release', 'write the student edition (no solutions) to a folder'),
  menu: menuCommand,
  watch: watchCommand,
  hint: hintCommand,
  reset: resetCommand,
  bench: benchCli,
  report: reportCli,
  grade: fullKitOnly('grade', 'grade a class: every submission, in a sandbox, with reports'),
  submit: {
    summary: 'pack your work into one zip for your instructor',
    usage: async () => (await submit()).SUBMIT_USAGE,
    run: async (argv) => (await submit()).submitCommand(argv),
  },
};
