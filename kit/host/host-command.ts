// A host command a step ran with the student API's `$` (zx) and that failed:
// zx throws its ProcessOutput, whose stack trace says nothing useful to a
// student. The lifecycle turns it into a KitError that quotes what the
// command said (its first line of stderr names the program: "losetup: ...",
// "dd: ..."), with a hint for the failures the kit knows and the step's page.

import { KitError } from '../core/errors.ts';
import { loadedProcessOutput } from '../core/shell.ts';
import { noLoopDeviceError } from './image/loop.ts';
import type { StepDefinition } from '../core/types.ts';

interface Known {
  said: RegExp;
  explain(said: string): KitError | { hint: string };
}

const KNOWN: Known[] = [
  // losetup --find: none free, or no loop driver at all
  { said: /cannot find an unused loop device|failed to (use|set up) .*loop|loop-control/i, explain: (said) => noLoopDeviceError(said) },
  {
    said: /no space left on device/i,
    explain: () => ({
      hint: "The disk holding the kit's state folder is full: free some space, or ask for a smaller image (--home-size 32M). CW_STATE_DIR=/somewhere/bigger moves the state folder to another disk.",
    }),
  },
  {
    said: /command not found|ENOENT/i,
    explain: () => ({ hint: 'The program is not installed on the host: `npm run preflight` installs what the steps need.' }),
  },
];

/** `err` as a KitError when it is a failed host command; anything else unchanged. */
export function explainHostCommand(err: unknown, step: StepDefinition, hook: string): unknown {
  const ProcessOutput = loadedProcessOutput(); // zx is loaded only once a `$` has run
  if (!ProcessOutput || !(err instanceof ProcessOutput)) return err;
  const said = (err.stderr.trim() || err.stdout.trim()).split('\n')[0] ?? '';
  const known = KNOWN.find((k) => k.said.test(said));
  const explained = known?.explain(said);
  if (explained instanceof KitError) return explained;
  return new KitError(
    `A host command in step ${step.id}'s ${hook} failed (exit ${err.exitCode ?? err.signal ?? '?'})${said ? `: ${said}` : ''}.`,
    {
      hint:
        explained?.hint ??
        "Run the same command by hand, as root, to see why (the step's page shows its options); `.nothrow()` lets your code look at the exit status itself.",
      page: `${step.page}#common-errors`,
      cause: err,
    },
  );
}
