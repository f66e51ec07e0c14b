// Ctrl-C, SIGTERM and a closed terminal while a container runs: the
// container's processes get the signal first (PID 1 ignores signals it has no
// handler for, so SIGKILL follows after a grace period), then the kit tears
// down and exits with the conventional 128 + signal number.
// While the container is still starting, the signal stops the start instead:
// `abortSignal` fires, the lifecycle stops before the next hook and tears down.
// A hook that hangs would keep that waiting, so a second signal while starting
// exits at once: the paused child dies with the kit (PR_SET_PDEATHSIG) and
// the run's ledger is left for the next kit command or `npm run clean`.
// In an interactive shell, Ctrl-C belongs to the shell: the terminal already
// delivered it to the container's foreground process.
// The handlers stay installed until `detach()`, i.e. through the teardown: a
// second Ctrl-C must not kill the kit halfway through cleaning up.

import os from 'node:os';
import { KitError } from '../../core/errors.ts';
import { say, warn } from './output.ts';

const HANDLED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Handled = (typeof HANDLED)[number];

export interface SignalForwarder {
  /** number of the first signal received, if any */
  readonly received: number | undefined;
  /** aborted (reason: a KitError with exit code 128 + n) by a signal that arrives before `attach` */
  readonly abortSignal: AbortSignal;
  /** the container runs: forward signals to it */
  attach(pid: number): void;
  /** the container has exited and was reaped: its pid may belong to someone else now */
  containerExited(): void;
  /** stop handling signals (after the teardown) */
  detach(): void;
}

/** The reason given to the lifecycle when a signal stops a container that is still starting. */
export function stoppedWhileStarting(sig: Handled): KitError {
  return new KitError(`Stopped by ${sig} while the container was starting; everything it had set up was removed.`, {
    exitCode: 128 + os.constants.signals[sig],
  });
}

export function forwardSignals(opts: { interactive: boolean; graceMs?: number }): SignalForwarder {
  let pid: number | undefined;
  let received: Handled | undefined;
  let exited = false;
  const timers: NodeJS.Timeout[] = [];
  const abort = new AbortController();
  const kill = (sig: NodeJS.Signals) => {
    if (pid === undefined) return;
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  const forward = (sig: Handled) => {
    kill(sig);
    timers.push(setTimeout(() => kill('SIGKILL'), opts.graceMs ?? 1000).unref());
  };
  const handler = (sig: Handled) => {
    if (sig === 'SIGINT' && opts.interactive && pid !== undefined) return;
    received ??= sig;
    if (exited) return; // tearing down already: finish it, then exit 128 + n
    if (pid === undefined) {
      if (abort.signal.aborted) {
        warn(`${sig} again: stopping at once. What this run had set up is removed by the next kit command, or now by \`npm run clean\`.`);
        process.exit(128 + os.constants.signals[sig]);
      }
      say(`${sig}: stopping once the current step hook returns, then removing what the run set up (${sig} again to stop at once)`);
      abort.abort(stoppedWhileStarting(sig));
      return;
    }
    forward(sig);
  };
  for (const s of HANDLED) process.on(s, handler);
  const stopForwarding = () => {
    pid = undefined;
    for (const t of timers) clearTimeout(t);
  };
  return {
    get received() {
      return received === undefined ? undefined : os.constants.signals[received];
    },
    abortSignal: abort.signal,
    attach(p) {
      pid = p;
      // arrived while its start was completing: it gets the signal now, like a running one
      if (received !== undefined) forward(received);
    },
    containerExited() {
      exited = true;
      stopForwarding();
    },
    detach() {
      stopForwarding();
      for (const s of HANDLED) process.off(s, handler);
    },
  };
}
