// Watch mode: every save of a step file re-runs that step's check (in a fresh
// child process, started ahead and waiting: check-child.ts) and shows only what
// changed since the previous run. Keys:
// h next hint, r check again, f full result, q quit.

import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { ChalkInstance } from 'chalk';
import { formatResult } from '../check/print.ts';
import { checkFiles } from '../check/registry.ts';
import type { CheckResult } from '../check/types.ts';
import { projectRoot } from '../../core/paths.ts';
import { stepCatalogue, type StepEntry } from './catalogue.ts';
import { runCheckChild, warmCheckChild, type CheckChild, type WarmCheckChild } from './check-child.ts';
import { formatBlocker, formatDiff, teach } from './check-view.ts';
import { diffResults } from './diff.ts';
import { formatHint } from './hint-view.ts';
import { nextHint } from './hints.ts';
import { palette, spinner, stripAnsi, type Spinner } from './progress.ts';

const STEP_FILE = /^(\d\d)-[\w-]+\.ts$/;
/**
 * Quiet time after a file event before checking: an editor's save is a burst
 * of events within a few ms (write, rename, chmod); more only delays the
 * verdict (issue 17: at most 0.5 s from a save to the verdict, for step 1).
 */
const DEBOUNCE_MS = 50;

export interface WatchOptions {
  stepsDir: string;
  step: StepEntry;
  /** one JSON line per run on stdout */
  json?: boolean;
  /** wait this long after the last file event before checking (editors write in bursts) */
  debounceMs?: number;
  input?: NodeJS.ReadStream;
  output?: NodeJS.WriteStream;
}

export class Watcher {
  private readonly c: ChalkInstance;
  private readonly out: NodeJS.WriteStream;
  private readonly input: NodeJS.ReadStream;
  private current: StepEntry;
  private readonly last = new Map<number, CheckResult>();
  private running: { child: CheckChild; step: number } | undefined;
  /** the next check's child, started after the last verdict: it has loaded the kit and waits for its step */
  private warm: WarmCheckChild | undefined;
  /** a save arrived while a check was running: check again afterwards */
  private again: { step: StepEntry; reason: string } | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private fsWatcher: fs.FSWatcher | undefined;
  private lines: readline.Interface | undefined;
  private active: Spinner | undefined;
  private quitting = false;
  private finish: ((code: number) => void) | undefined;
  private readonly onSignal = () => this.quit();
  private readonly onKey = (data: Buffer | string) => {
    for (const ch of String(data)) this.key(ch);
  };

  constructor(private readonly opts: WatchOptions) {
    this.out = opts.output ?? process.stderr;
    this.input = opts.input ?? process.stdin;
    this.c = palette(this.out);
    this.current = opts.step;
  }

  run(): Promise<number> {
    const c = this.c;
    const where = path.relative(projectRoot, this.opts.stepsDir) || this.opts.stepsDir;
    this.print(
      `${c.cyan('cw watch')} ${c.bold(`${where}/`)} · save a step file to check it · ` +
        `${c.bold('h')} next hint · ${c.bold('r')} check again · ${c.bold('f')} full result · ${c.bold('q')} quit`,
    );
    this.fsWatcher = fs.watch(this.opts.stepsDir, (_event, name) => this.saved(name ? String(name) : undefined));
    this.fsWatcher.on('error', (err) => this.print(c.red(`cw watch: cannot watch ${where}/ any more: ${err.message}`)));
    this.listenToKeys();
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    this.check(this.current, 'first check');
    return new Promise((resolve) => (this.finish = resolve));
  }

  private listenToKeys(): void {
    if (this.input.isTTY) {
      this.input.setRawMode(true);
      this.input.on('data', this.onKey);
      this.input.resume();
    } else {
      // not a terminal: one key per line (h, r, f, q); end of input just stops listening
      this.lines = readline.createInterface({ input: this.input, terminal: false });
      this.lines.on('line', (l) => l.trim() && this.key(l.trim()[0]));
    }
  }

  private key(ch: string): void {
    switch (ch) {
      case 'q':
      case 'Q':
      case '\x03': // Ctrl-C in raw mode
      case '\x04': // Ctrl-D
        this.quit();
        break;
      case 'h':
      case 'H':
        this.hint();
        break;
      case 'r':
      case 'R':
        this.check(this.current, 'checking again');
        break;
      case 'f':
      case 'F': {
        const r = this.last.get(this.current.id);
        this.print(r ? teach(formatResult(r), this.c) : this.c.gray('no result yet'));
        break;
      }
      default:
        break;
    }
  }

  private saved(name: string | undefined): void {
    if (this.quitting) return;
    if (name !== undefined && !STEP_FILE.test(name)) return; // editor swap and backup files
    const step = name === undefined ? this.current : stepCatalogue(this.opts.stepsDir).find((s) => s.basename === name);
    if (!step || !fs.existsSync(step.file)) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.check(step, `${path.basename(step.file)} saved`), this.opts.debounceMs ?? DEBOUNCE_MS);
  }

  private check(step: StepEntry, reason: string): void {
    if (this.quitting) return;
    if (this.running) {
      this.again = { step, reason };
      return;
    }
    const c = this.c;
    if (step.id !== this.current.id) {
      this.current = step;
    }
    const time = new Date().toTimeString().slice(0, 8);
    this.print(`\n${c.gray(`── ${time}`)} ${reason} · ${c.bold(`step ${step.id}`)} ${c.gray(`(${step.title}, steps 1..${step.id})`)}`);
    if (!checkFiles().some((f) => f.step === step.id)) {
      this.print(`  step ${step.id} has no check yet: try it with ${c.cyan(`npm run step ${step.id}`)}`);
      return;
    }
    const sp = spinner(`checking step ${step.id}`, { stream: this.out });
    this.active = sp;
    const onLine = (l: string): void => sp.text(`checking step ${step.id} · ${stripAnsi(l).replace(/^cw\s+/, '')}`);
    const warm = this.warm;
    this.warm = undefined;
    const child = warm ? warm.go(step.id, { onLine }) : runCheckChild(step.id, this.opts.stepsDir, { onLine });
    this.running = { child, step: step.id };
    void child.done.then((res) => {
      sp.stop();
      this.active = undefined;
      this.running = undefined;
      // the next save's child starts now, while the student reads this verdict (not while this
      // check ran: on two cores the two would slow each other)
      if (!this.quitting) this.warm = warmCheckChild(this.opts.stepsDir, step.id);
      const r = res.results?.find((x) => x.step === step.id);
      if (r) this.show(step, r);
      else {
        const why = res.stderr.trim() || `the check exited with ${res.code ?? res.signal}`;
        this.print(
          `  ${c.magenta('the check could not run:')}\n${why
            .split('\n')
            .map((l) => `    ${teach(l, c)}`)
            .join('\n')}`,
        );
      }
      if (this.quitting) return this.close();
      const next = this.again;
      this.again = undefined;
      if (next) this.check(next.step, next.reason);
    });
  }

  private show(step: StepEntry, r: CheckResult): void {
    const c = this.c;
    const before = this.last.get(step.id);
    this.last.set(step.id, r);
    if (!before) {
      this.print(teach(formatResult(r), this.c));
    } else {
      const d = diffResults(before, r);
      this.print(formatDiff(d, c));
      if (d.changes.length === 0 && r.status !== 'pass') {
        const blocker = formatBlocker(r, c);
        if (blocker) this.print(blocker);
      }
    }
    if (r.status === 'pass' && before?.status !== 'pass') {
      const next = stepCatalogue(this.opts.stepsDir).find((s) => s.id > step.id);
      this.print(
        c.green(`  Step ${step.id} passes.`) +
          (!next
            ? ' That was the last step.'
            : next.exists
              ? ` Next: step ${next.id}, ${c.bold(path.relative(projectRoot, next.file))} (save it to check it here).`
              : ` Next: step ${next.id}; its file is not there yet: ${c.cyan(`npm run reset ${next.id}`)} creates it.`),
      );
    }
    if (this.opts.json) {
      const d = diffResults(before, r);
      const changes = d.changes.map((ch) => ({ id: ch.after.id, name: ch.after.name, before: ch.before?.status, after: ch.after.status }));
      process.stdout.write(`${JSON.stringify({ step: r.step, status: r.status, score: r.score, maxScore: r.maxScore, changes })}\n`);
    }
  }

  private hint(): void {
    const answer = nextHint(this.current, { stepsDir: this.opts.stepsDir });
    this.print(`\n${formatHint(answer, this.c)}`);
  }

  private print(text: string): void {
    if (this.active) this.active.log(text);
    else this.out.write(`${text}\n`);
  }

  private quit(): void {
    if (this.quitting) {
      // second q while a check runs: stop it now (a killed check's leftovers are reclaimed by the next run)
      this.running?.child.stop();
      return;
    }
    this.quitting = true;
    clearTimeout(this.debounce);
    if (this.running) {
      this.print(this.c.gray('cw watch: letting the running check clean up (q again to stop it now)'));
      return;
    }
    this.close();
  }

  private close(): void {
    void this.warm?.dispose();
    this.warm = undefined;
    this.fsWatcher?.close();
    this.lines?.close();
    if (this.input.isTTY) {
      this.input.off('data', this.onKey);
      this.input.setRawMode(false);
    }
    this.input.pause();
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    this.out.write(`${this.c.cyan('cw watch')} bye\n`);
    this.finish?.(0);
  }
}
