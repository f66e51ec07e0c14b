// `npm run step N [-- --solution] [-- --opt value ...] [-- cmd args...]`:
// run the container of steps 1..N (the student's, or the reference).

import { NotDoneError } from '../../core/errors.ts';
import { startContainer } from '../../host/run.ts';
import { stepsDir, stepsDirFrom } from '../../core/paths.ts';
import { listStepFiles, loadStepsUpTo, stepFile } from '../../core/steps.ts';
import type { RunOptions } from '../../core/types.ts';
import { booleanOptions, optionsHelp, parseArgs, stepOptions, type ParsedArgs } from './args.ts';
import { ready } from './common.ts';
import type { Command } from './command-type.ts';
import { say } from './output.ts';
import { forwardSignals } from './signals.ts';
import { KitError } from '../../core/errors.ts';
import { formatTraceEvent, type TraceEvent } from '../../core/trace.ts';
import chalk from 'chalk';

/** The command's own flags; every other --name is a step option, declared by the steps (kit/core/types.ts, StepOptions). */
const KIT_FLAGS = ['solution', 'steps-dir', 'yes', 'trace'];

const USAGE = `usage: npm run step N [-- [--solution] [--yes] [--OPTION VALUE ...] [-- COMMAND ARGS...]]

Runs the container made of your steps 1..N (steps/), or the reference with
--solution, and drops you into a shell inside it, or runs COMMAND and exits
with its exit code. The container's output is the only thing on stdout.

  --solution        use solutions/ instead of your steps/
  --steps-dir DIR   use the step files in DIR
  --yes             install missing Debian packages without asking
  --trace           print, as it happens, everything that builds and tears down
                    the container: host commands with their exit status, files
                    written under /sys/fs/cgroup, the syscalls the child made
                    with their results, each with the step file's line that
                    asked for it (kept in state/traces/step-N.jsonl either way)
  --help            this help; after N, with the options of steps 1..N
`;

const EXAMPLES = `examples:
  npm run step 1
  npm run step 1 -- --solution -- sh -c 'echo $$; hostname'
  npm run step 2 -- --trace -- true
  npm run step 4 -- --memory 128M --cpus 0.5`;

/** Where the step files are: --steps-dir DIR, --solution, or the student's steps/. */

/**
 * `npm run step [N] -- --help`: the usage, and the step options of steps
 * 1..N (without N: of every step), made from the steps' declarations.
 */
async function usage(argv: string[]): Promise<string> {
  const args = parseArgs(
    argv,
    KIT_FLAGS.filter((f) => f !== 'steps-dir'),
  );
  const dir = stepsDirFrom(args.flags);
  const id = Number(args.positional[0]);
  let options: string;
  try {
    const last = Number.isInteger(id) && id > 0 ? id : Math.max(...listStepFiles(dir).map((f) => f.id));
    options = `  step options of steps 1..${last} (each step's page explains its own):\n${optionsHelp(await loadStepsUpTo(dir, last))}`;
  } catch (err) {
    options = `  step options: the step files in ${dir} could not be loaded (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
  return `${USAGE}\n${options}\n\n${EXAMPLES}`;
}

export const stepCommand: Command = {
  usage,
  async run(argv) {
    let args = parseArgs(
      argv,
      KIT_FLAGS.filter((f) => f !== 'steps-dir'),
    );
    const id = Number(args.positional[0]);
    if (!Number.isInteger(id) || args.positional.length !== 1) {
      throw new KitError(
        `Which step? Give one step number, e.g. \`npm run step 1\` (got ${JSON.stringify(args.positional.join(' ') || 'nothing')}).`,
        { exitCode: 2 },
      );
    }
    const dir = stepsDirFrom(args.flags);
    stepFile(dir, id); // unknown step: fail before asking for root
    // the steps declare their options: check them before asking for root, too
    const steps = await loadStepsUpTo(dir, id);
    args = parseArgs(argv, [...KIT_FLAGS.filter((f) => f !== 'steps-dir'), ...booleanOptions(steps)]);
    const stepOpts = stepOptions(args.flags, steps, KIT_FLAGS);
    await ready({ yes: args.flags.yes === true, step: id });
    const options: RunOptions = {
      ...stepOpts,
      argv: args.rest,
      solution: args.flags.solution === true,
      stepsDir: dir,
      yes: args.flags.yes === true,
    };
    const onTrace = args.flags.trace === true ? printTraceEvent : undefined;

    const interactive = args.rest.length === 0;
    const signals = forwardSignals({ interactive: interactive && process.stdin.isTTY === true });
    try {
      if (interactive) say(`step ${id}: starting a shell in the container (exit or Ctrl-D to leave)`);
      const c = await startContainer({
        steps,
        options,
        signal: signals.abortSignal,
        foreground: interactive && process.stdin.isTTY === true,
        onTrace,
      });
      signals.attach(c.pid);
      const status = await c.exited;
      signals.containerExited();
      await c.teardown();
      if (signals.received) return 128 + signals.received;
      if (status.signal !== null) return 128 + status.signal;
      return status.code ?? 1;
    } catch (err) {
      if (err instanceof NotDoneError) {
        err.message = `Step ${id} is not finished: ${err.message}`;
      }
      throw err;
    } finally {
      signals.detach();
    }
  },
};

/** --trace: one line per event on stderr (stdout is the container's), failures in red, the student's lines in bold. */
function printTraceEvent(e: TraceEvent): void {
  const line = formatTraceEvent(e);
  const shown =
    !e.ok && e.kind !== 'lifecycle' ? chalk.red(line) : e.origin ? chalk.bold(line) : e.kind === 'lifecycle' ? chalk.dim(line) : line;
  process.stderr.write(`${chalk.cyan('cw trace')} ${shown}\n`);
}
