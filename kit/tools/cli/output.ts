// Everything the kit says goes to stderr, so that stdout carries only the
// container's own output (and JSON when asked). Colors follow chalk, which
// respects NO_COLOR and a non-TTY stderr.

import chalk from 'chalk';
import { KitError } from '../../core/errors.ts';
import { docLink } from '../../core/paths.ts';

/**
 * Whoever reads the kit's output may vanish while a container runs: a closed
 * terminal (writes fail with EIO, and the hangup signal may never reach the
 * kit if the shell in between takes it and dies) or a pipe whose reader
 * exited (EPIPE: `... 2>&1 | head -1`). Node would throw the stream's
 * 'error' and the kit would die halfway through a teardown, leaving a loop
 * device attached. There is nobody left to tell: carry on and finish it.
 */
export function surviveLostOutput(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

export const say = (msg: string): void => {
  process.stderr.write(`${chalk.cyan('cw')} ${msg}\n`);
};

export const warn = (msg: string): void => {
  process.stderr.write(`${chalk.yellow('cw')} ${msg}\n`);
};

/** Print an error for a person; returns the exit code to use. */
export function reportError(err: unknown): number {
  if (err instanceof KitError) {
    process.stderr.write(`${chalk.red('cw error')} ${err.message}\n`);
    if (err.hint) process.stderr.write(`  ${chalk.bold('what to do:')} ${err.hint}\n`);
    if (err.page) process.stderr.write(`  ${chalk.bold('read:')} ${docLink(err.page)}\n`);
    return err.exitCode;
  }
  // not a KitError: a bug in the kit itself, so the stack is useful here
  process.stderr.write(`${chalk.red('cw internal error')} ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.stderr.write('  This is a bug in the kit, not in your step: please report it with the output above.\n');
  return 70;
}
