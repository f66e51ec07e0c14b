// A pseudo-terminal driven like a student at a keyboard: tmux on a private
// socket, keys sent with send-keys, the screen read with capture-pane. Each
// session ends with `[exit N]` printed by its shell, and kill() removes the
// whole private tmux server.

import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export class Tmux {
  private readonly socket = `cw-ux-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  private alive = false;

  private tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  }

  /** Start `argv` in a terminal of cols x rows, in `cwd`, with exactly these extra env variables. */
  start(argv: string[], opts: { cwd: string; env?: Record<string, string>; cols?: number; rows?: number }): void {
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${quote(v)}`);
    // the shell stays after the command so that its last screen and exit code can be read
    const command = `cd ${quote(opts.cwd)} && env ${env.join(' ')} ${argv.map(quote).join(' ')}; echo "[exit $?]"; sleep 600`;
    this.tmux('new-session', '-d', '-s', 'ux', '-x', String(opts.cols ?? 160), '-y', String(opts.rows ?? 50), command);
    this.alive = true;
  }

  /** tmux key names: 'Enter', 'Down', 'Escape', 'C-c', or literal text with `literal`. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'ux', ...keys);
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', 'ux', '-l', text);
  }

  /** What the student sees, with wrapped lines joined, the scrollback included and the empty rows below dropped. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-t', 'ux', '-S', '-3000').trimEnd();
  }

  /** Wait until the screen matches: the whole screen, or only the lines from `after` (see mark()). */
  async waitFor(pattern: RegExp, opts: { timeoutMs?: number; after?: number } = {}): Promise<string> {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    for (;;) {
      const screen = this.screen()
        .split('\n')
        .slice(opts.after ?? 0)
        .join('\n');
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`the screen never showed ${pattern}; it shows:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Wait until `pattern` occurs `times` times on the screen (robust when a prompt redraws and lines move). */
  async waitForCount(pattern: RegExp, times: number, timeoutMs = 30_000): Promise<string> {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if ((screen.match(global)?.length ?? 0) >= times) return screen;
      if (Date.now() > deadline) throw new Error(`the screen never showed ${pattern} ${times} times; it shows:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The line where what comes next will appear (the last line may still be redrawn: it is included). */
  mark(): number {
    return Math.max(0, this.screen().split('\n').length - 1);
  }

  kill(): void {
    if (!this.alive) return;
    this.alive = false;
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { timeout: 10_000 });
    // kill-server can leave the socket file behind
    fs.rmSync(path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, this.socket), { force: true });
  }
}

export const tmuxAvailable = (): boolean => spawnSync('tmux', ['-V']).status === 0;
