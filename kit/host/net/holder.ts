// A stand-in container for tests and benchmarks: `unshare --net sleep N`, a
// process in a fresh network namespace that does nothing. Recorded in the
// ledger (after spawn: a pid cannot be known before) and killed by its pid.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Ledger } from '../../core/ledger.ts';
import { namespaceId, processStartTime } from '../proc.ts';
import { waitFor } from './host.ts';

export interface NetnsHolder {
  pid: number;
  /** SIGKILL it and wait until it has exited (its namespace is then unused) */
  kill(): Promise<void>;
}

export async function spawnNetnsHolder(ledger?: Ledger, seconds = 60): Promise<NetnsHolder> {
  const child = spawn('unshare', ['--net', 'sleep', String(seconds)], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start `unshare --net sleep`');
  ledger?.record({ kind: 'process', pid, startTime: processStartTime(pid) });
  // unshare execs sleep once the namespace exists: wait for /proc/PID/ns/net to change
  const hostNet = namespaceId('self', 'net');
  if (
    !(await waitFor(() => {
      const id = namespaceId(pid, 'net');
      return id !== undefined && id !== hostNet;
    }, 5000))
  ) {
    child.kill('SIGKILL');
    throw new Error('`unshare --net` did not create a network namespace within 5 s');
  }
  return {
    pid,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      for (const e of ledger?.entries() ?? []) if (e.kind === 'process' && e.pid === pid) ledger?.forget(e.id);
    },
  };
}
