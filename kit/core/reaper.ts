// Reaps the container processes the kit cloned itself. libuv only waits for
// the children it spawned, so these would stay zombies; on every SIGCHLD (and
// on a slow safety timer, which also keeps the event loop alive) we ask
// waitpid(pid, WNOHANG) for each child we still wait for.

import { loadShim } from './native.ts';

export interface ExitStatus {
  /** exit code, or null when killed by a signal */
  code: number | null;
  /** signal number that killed it, or null */
  signal: number | null;
}

const waiting = new Map<number, (status: ExitStatus) => void>();
let timer: NodeJS.Timeout | undefined;
const status = new Int32Array(1);

function poll(): void {
  const shim = loadShim();
  for (const [pid, resolve] of waiting) {
    const r = shim.wait(pid, true, status);
    if (r === 0) continue; // still running
    waiting.delete(pid);
    if (r < 0) {
      resolve({ code: null, signal: null }); // ECHILD: someone else reaped it
      continue;
    }
    const code = shim.exitCode(status[0]);
    const signal = shim.termSignal(status[0]);
    resolve({ code: code >= 0 ? code : null, signal: signal >= 0 ? signal : null });
  }
  if (waiting.size === 0) stop();
}

function stop(): void {
  process.off('SIGCHLD', poll);
  if (timer) clearInterval(timer);
  timer = undefined;
}

export function waitForExit(pid: number): Promise<ExitStatus> {
  return new Promise((resolve) => {
    waiting.set(pid, resolve);
    if (!timer) {
      process.on('SIGCHLD', poll);
      timer = setInterval(poll, 250);
    }
    poll(); // it may have exited before we listened
  });
}
