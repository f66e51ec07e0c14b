// `npm run step N [-- --solution] [-- --opt value ...] [-- cmd args...]`:
// run the container of steps 1..N (the student's, or the reference).

import { NotDoneError } from '../../core/errors.ts';
import { startContainer } from '../../host/run.ts';
import { stepsDir, stepsDirFrom } from '../../core/paths.ts';
import { loadStepsUpTo, stepFile } from '../../core/steps.ts';
import type { RunOptions } from '../../core/types.ts';
import { camel, parseArgs } from './args.ts';
import { ready } from './common.ts';
import type { Command } from './command-type.ts';
import { say } from './output.ts';
import { forwardSignals } from './signals.ts';
import { KitError } from '../../core/errors.ts';
import { formatTraceEvent, type TraceEvent } from '../../core/trace.ts';
import chalk from 'chalk';

export const stepCommand: Command = {
  usage: `usage: npm run step N [-- [--solution] [--yes] [--OPTION VALUE ...] [-- COMMAND ARGS...]]

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

  step options (each step's page explains its own):
  --hostname NAME          the container's hostname (step 1)
  --home-size SIZE         size of the /home image, e.g. 64M (step 2; default 64M)
  --home-image NAME|PATH   which image file holds /home (step 2; default state/images/home.img)
  --recreate-image         recreate a damaged or too small /home image without asking (step 2)
  --subnet-pool CIDR       where the veth pair's /30 comes from (step 3; default 10.200.0.0/16)
  --subnet-prefix N        size of each container's subnet (step 3; default 30)
  --ip-mode batch|each     one \`ip -batch\` per namespace, or one \`ip\` per command (step 3)
  --memory SIZE            memory limit (step 4; default 256M)
  --cpus N                 CPU quota in CPUs (step 4; default 0.5)
  --pids N                 process limit (step 4; default 64)
  --cpu-weight N           CPU weight under contention, 1..10000 (step 4 extra)
  --io-bps RATE            read/write limit on the /home loop device, e.g. 10M (step 4 extra)
  --pause-after S --pause-for S   freeze the container after S seconds, for S seconds (step 4 extra)
  --uid-base N             host uid and gid of root inside the user namespace (step 6; default 100000)
  other --name value pairs are passed to the steps too

examples:
  npm run step 1
  npm run step 1 -- --solution -- sh -c 'echo $$; hostname'
  npm run step 2 -- --trace -- true`,
  async run(argv) {
    const args = parseArgs(argv, ['solution', 'yes', 'trace']);
    const id = Number(args.positional[0]);
    if (!Number.isInteger(id) || args.positional.length !== 1) {
      throw new KitError(`Which step? Give one step number, e.g. \`npm run step 1\` (got ${JSON.stringify(args.positional.join(' ') || 'nothing')}).`, { exitCode: 2 });
    }
    const dir = stepsDirFrom(args.flags);
    stepFile(dir, id); // unknown step: fail before asking for root
    await ready({ yes: args.flags.yes === true, step: id });
    const options: RunOptions = { argv: args.rest, solution: args.flags.solution === true, stepsDir: dir, yes: args.flags.yes === true };
    for (const [k, v] of Object.entries(args.flags)) if (!['solution', 'steps-dir', 'yes', 'trace'].includes(k)) options[camel(k)] = v;
    const onTrace = args.flags.trace === true ? printTraceEvent : undefined;

    const steps = await loadStepsUpTo(dir, id);
    const interactive = args.rest.length === 0;
    const signals = forwardSignals({ interactive: interactive && process.stdin.isTTY === true });
    try {
      if (interactive) say(`step ${id}: starting a shell in the container (exit or Ctrl-D to leave)`);
      const c = await startContainer({ steps, options, signal: signals.abortSignal, foreground: interactive && process.stdin.isTTY === true, onTrace });
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
  const shown = !e.ok && e.kind !== 'lifecycle' ? chalk.red(line) : e.origin ? chalk.bold(line) : e.kind === 'lifecycle' ? chalk.dim(line) : line;
  process.stderr.write(`${chalk.cyan('cw trace')} ${shown}\n`);
}
