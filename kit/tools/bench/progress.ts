// A progress bar on stderr. On a terminal it redraws one line; elsewhere (CI
// logs, a pipe) it prints plain lines, never escape codes. Colors only when
// the stream is a TTY and NO_COLOR is not set.

import { Chalk } from 'chalk';
import type { ProgressEvent } from './runner.ts';

export interface ProgressBar {
  update(e: ProgressEvent): void;
  /** finish the line (on a TTY) */
  done(message?: string): void;
}

interface Stream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): boolean;
}

export function renderBar(done: number, total: number, width: number): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const full = Math.round(frac * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

export const formatDuration = (s: number): string => (s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`);

export function progressBar(stream: Stream = process.stderr, env: NodeJS.ProcessEnv = process.env): ProgressBar {
  const tty = !!stream.isTTY && env.TERM !== 'dumb';
  const color = new Chalk({ level: tty && env.NO_COLOR === undefined ? 1 : 0 });
  const start = performance.now();
  let lastPlain = -1;
  return {
    update({ done, total, label }) {
      const elapsed = (performance.now() - start) / 1000;
      const eta = done > 0 && done < total ? ` · ~${formatDuration((elapsed / done) * (total - done))} left` : '';
      const count = `${done}/${total}`;
      if (tty) {
        const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 60));
        const line = `${color.cyan('cw')} ${color.green(renderBar(done, total, width))} ${count} ${color.dim(`${label}${eta}`)}`;
        stream.write(`\r\x1b[2K${line}`);
      } else {
        // one line per tenth of the way, and the last
        const tenth = total > 0 ? Math.floor((done / total) * 10) : 10;
        if (tenth !== lastPlain || done === total) {
          lastPlain = tenth;
          stream.write(`cw bench ${count} ${label}${eta}\n`);
        }
      }
    },
    done(message) {
      if (tty) stream.write('\r\x1b[2K');
      if (message) stream.write(`${color.cyan('cw')} ${message}\n`);
    },
  };
}
