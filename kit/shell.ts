// zx's `$`, traced: the one `$` the student API hands out (student.ts) and the
// kit's own host commands use. Importing this module hooks zx's log (its
// documented `$.log`), so every command run during a container's life is in
// that run's trace (tracer.ts): its command line, its exit status, and the step
// file's line that ran it when a step did. zx's own logging is kept as it was.

import { $, type LogEntry } from 'zx';
import { traceCommand } from './tracer.ts';

const running = new Map<string, (status: number | string | null) => void>();
const zxLog = $.log;

$.log = (entry: LogEntry) => {
  // 'cmd' is logged synchronously inside the `$` call, so the caller's line is on the stack
  if (entry.kind === 'cmd' && muted === 0) {
    const done = traceCommand(entry.cmd);
    if (done) running.set(entry.id, done);
  } else if (entry.kind === 'end') {
    const done = running.get(entry.id);
    running.delete(entry.id);
    done?.(entry.exitCode ?? entry.signal ?? (entry.error ? 'not started' : null));
  }
  zxLog(entry);
};

let muted = 0;

/** Run zx commands that the caller records itself, in its own words (the `ip -batch` lines). */
export function untraced<T>(fn: () => T): T {
  muted++;
  try {
    return fn();
  } finally {
    muted--;
  }
}

export { $ };
