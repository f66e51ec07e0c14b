// Ctrl-C, SIGTERM and a closed terminal while a container runs: the
// container's processes get the signal first (PID 1 ignores signals it has no
// handler for, so SIGKILL follows after a grace period), then the kit tears
// down and exits with the conventional 128 + signal number.
// In an interactive shell, Ctrl-C belongs to the shell: the terminal already
// delivered it to the container's foreground process.

import os from 'node:os';

const HANDLED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Handled = (typeof HANDLED)[number];

export interface SignalForwarder {
  /** signal number received, if any */
  readonly received: number | undefined;
  attach(pid: number): void;
  detach(): void;
}

export function forwardSignals(opts: { interactive: boolean; graceMs?: number }): SignalForwarder {
  let pid: number | undefined;
  let received: number | undefined;
  const kill = (sig: NodeJS.Signals | 'SIGKILL') => {
    if (pid === undefined) return;
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  const handler = (sig: Handled) => {
    if (sig === 'SIGINT' && opts.interactive) return;
    received = os.constants.signals[sig];
    kill(sig);
    setTimeout(() => kill('SIGKILL'), opts.graceMs ?? 1000).unref();
  };
  for (const s of HANDLED) process.on(s, handler);
  return {
    get received() {
      return received;
    },
    attach(p) {
      pid = p;
      if (received !== undefined) kill('SIGKILL'); // arrived while starting
    },
    detach() {
      for (const s of HANDLED) process.off(s, handler);
    },
  };
}
