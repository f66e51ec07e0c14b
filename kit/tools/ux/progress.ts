// Spinners and bars for anything slow (rootfs build, mkfs, sysbench, a check,
// a class being graded): the kit's one progress display.
// On a terminal they redraw one line; elsewhere (a pipe, CI logs, TERM=dumb)
// they print plain lines. Colors only on a terminal and without NO_COLOR; with
// NO_COLOR a terminal still gets the redraw, but through '\r' and spaces, so
// the output never holds an escape sequence.

import { Chalk, type ChalkInstance } from 'chalk';

export interface Stream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): boolean;
}

export interface ProgressOptions {
  stream?: Stream;
  env?: NodeJS.ProcessEnv;
  /** prefix of every line, like the CLI's own messages */
  prefix?: string;
}

/** May we redraw a line in place? */
export function isLive(stream: Stream = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** Colors for this stream: none off a terminal or with NO_COLOR (FORCE_COLOR wins, as in chalk). */
export function palette(stream: Stream = process.stderr, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const on = forced || (isLive(stream, env) && env.NO_COLOR === undefined);
  return new Chalk({ level: on ? 1 : 0 });
}

export const formatSeconds = (ms: number): string =>
  ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** One line that redraws itself on a terminal; `write` prints a finished line above it. */
class LiveLine {
  private shown = 0;
  constructor(
    private readonly stream: Stream,
    private readonly plainCursor: boolean,
  ) {}

  draw(text: string): void {
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    const line = cut(text, width);
    if (this.plainCursor) {
      // no escape codes: overwrite with spaces
      this.stream.write(`\r${line}${' '.repeat(Math.max(0, this.shown - visibleLength(line)))}`);
    } else {
      this.stream.write(`\r\x1b[2K${line}`);
    }
    this.shown = visibleLength(line);
  }

  clear(): void {
    if (this.shown === 0) return;
    this.stream.write(this.plainCursor ? `\r${' '.repeat(this.shown)}\r` : '\r\x1b[2K');
    this.shown = 0;
  }
}

export interface Spinner {
  /** change what it is doing now */
  text(label: string): void;
  /** print a line above the spinner (a log line from the slow thing) */
  log(line: string): void;
  succeed(message?: string): void;
  fail(message?: string): void;
  /** stop without a final line */
  stop(): void;
}

/** What a spinner and a bar both start from: where and how to draw, and when they began. */
function display(opts: ProgressOptions) {
  const stream = opts.stream ?? process.stderr;
  const env = opts.env ?? process.env;
  return {
    stream,
    c: palette(stream, env),
    prefix: opts.prefix ?? 'cw',
    live: isLive(stream, env),
    line: new LiveLine(stream, env.NO_COLOR !== undefined),
    started: performance.now(),
  };
}

export function spinner(label: string, opts: ProgressOptions = {}): Spinner {
  const { stream, c, prefix, live, line, started } = display(opts);
  let current = label;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const elapsed = () => formatSeconds(performance.now() - started);
  const redraw = () => line.draw(`${c.cyan(FRAMES[frame++ % FRAMES.length])} ${current} ${c.gray(elapsed())}`);
  if (live) {
    redraw();
    timer = setInterval(redraw, 80);
    timer.unref();
  } else {
    stream.write(`${prefix} ${current} ...\n`);
  }
  const end = (mark: string, message: string | undefined) => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (live) line.clear();
    if (message !== undefined) stream.write(`${mark} ${message} ${c.gray(`(${elapsed()})`)}\n`);
  };
  let ended = false;
  return {
    text(next) {
      if (ended || next === current) return;
      current = next;
      if (live) redraw();
      else stream.write(`${prefix} ${current} ...\n`);
    },
    log(text) {
      if (live) {
        line.clear();
        stream.write(`${text}\n`);
        if (!ended) redraw();
      } else {
        stream.write(`${text}\n`);
      }
    },
    succeed(message) {
      if (ended) return;
      ended = true;
      end(live ? c.green('✓') : `${prefix} done:`, message ?? current);
    },
    fail(message) {
      if (ended) return;
      ended = true;
      end(live ? c.red('✗') : `${prefix} failed:`, message ?? current);
    },
    stop() {
      if (ended) return;
      ended = true;
      end('', undefined);
    },
  };
}

/** A log callback (as ensureRootfs takes) that shows each message as the spinner's text. */
export const spinnerLog =
  (s: Spinner) =>
  (message: string): void =>
    s.text(message);

export interface Bar {
  /** may it redraw in place (a terminal), or does it print plain lines? */
  readonly live: boolean;
  update(done: number, label?: string): void;
  /** print a finished line above the bar (one graded submission, a note) */
  log(line: string): void;
  done(message?: string): void;
}

export function renderBar(done: number, total: number, width: number): string {
  const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const full = Math.round(frac * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

/** A bar of `total` units; off a terminal one plain line per tenth of the way. */
export function bar(label: string, total: number, opts: ProgressOptions = {}): Bar {
  const { stream, c, prefix, live, line, started } = display(opts);
  let lastTenth = -1;
  let current = label;
  let drawn: string | undefined;
  return {
    live,
    update(done, text) {
      if (text !== undefined) current = text;
      const count = `${done}/${total}`;
      const spent = performance.now() - started;
      const eta = done > 0 && done < total ? ` · ~${formatSeconds((spent / done) * (total - done))} left` : '';
      if (live) {
        const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 50));
        drawn = `${c.cyan(prefix)} ${c.green(renderBar(done, total, width))} ${count} ${c.gray(`${current}${eta}`)}`;
        line.draw(drawn);
        return;
      }
      const tenth = total > 0 ? Math.floor((Math.min(done, total) / total) * 10) : 10;
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        stream.write(`${prefix} ${count} ${current}${eta}\n`);
      }
    },
    log(text) {
      if (live) line.clear();
      stream.write(`${text}\n`);
      if (live && drawn !== undefined) line.draw(drawn);
    },
    done(message) {
      if (live) line.clear();
      drawn = undefined;
      if (message) stream.write(`${c.cyan(prefix)} ${message} ${c.gray(`(${formatSeconds(performance.now() - started)})`)}\n`);
    },
  };
}

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

export const stripAnsi = (s: string): string => s.replace(ANSI, '');

function visibleLength(s: string): number {
  return [...stripAnsi(s)].length;
}

/** Cut a (possibly colored) line to `width` visible characters. */
function cut(s: string, width: number): string {
  if (visibleLength(s) <= width) return s;
  const colored = s !== stripAnsi(s);
  let out = '';
  let n = 0;
  for (const part of s.split(/(\x1b\[[0-9;]*[A-Za-z])/)) {
    if (part.startsWith('\x1b[')) {
      out += part;
      continue;
    }
    for (const ch of part) {
      if (n >= width - 1) return `${out}…${colored ? '\x1b[0m' : ''}`;
      out += ch;
      n++;
    }
  }
  return out;
}
