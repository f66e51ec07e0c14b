// The menu of `npm start`: the steps with where you stand on each, and what
// to do with one (check it, run it, a hint, its page, reset it). Every check
// and run happens in a child process, so it always sees the file as saved now.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import { formatResult } from '../check/print.ts';
import { checkFiles } from '../check/registry.ts';
import { docLink, projectRoot } from '../../core/paths.ts';
import type { Asker, Choice } from '../../core/ask.ts';
import { kitCommand, runCheckChild } from './check-child.ts';
import { teach } from './check-view.ts';
import { formatHint } from './hint-view.ts';
import { nextHint } from './hints.ts';
import { palette, spinner, stripAnsi } from './progress.ts';
import { describeReset, resetQuestion, resetStep } from './reset.ts';
import { currentStep, stepStatuses, type StepStatus } from './status.ts';

type Action = 'check' | 'run' | 'hint' | 'page' | 'reset' | 'back';

export interface MenuOptions {
  stepsDir: string;
  ask: Asker;
  out?: NodeJS.WriteStream;
}

export class Menu {
  private readonly c: ChalkInstance;
  private readonly out: NodeJS.WriteStream;

  constructor(private readonly opts: MenuOptions) {
    this.out = opts.out ?? process.stdout;
    this.c = palette(this.out);
  }

  async run(): Promise<number> {
    for (;;) {
      const statuses = stepStatuses(this.opts.stepsDir);
      if (statuses.length === 0) {
        this.say('There are no steps yet.');
        return 1;
      }
      this.say(this.summary(statuses));
      const current = currentStep(statuses);
      const width = Math.max(...statuses.map((s) => s.title.length));
      const choices: Choice<number | 'watch' | 'quit'>[] = [
        ...statuses.map((s) => ({ title: `${s.id}  ${s.title.padEnd(width)}  ${this.badge(s)}`, value: s.id })),
        { title: 'watch mode: re-check on every save', value: 'watch' as const },
        { title: 'quit', value: 'quit' as const },
      ];
      const picked = await this.opts.ask.choose('Pick a step', choices, current ? statuses.indexOf(current) : 0);
      if (picked === undefined || picked === 'quit') return 0;
      if (picked === 'watch') {
        await this.child(['watch', ...(current ? [String(current.id)] : []), '--steps-dir', this.opts.stepsDir]);
        continue;
      }
      const step = statuses.find((s) => s.id === picked);
      if (step) await this.stepMenu(step);
    }
  }

  private summary(statuses: StepStatus[]): string {
    const done = statuses.filter((s) => s.progress === 'done').length;
    const score = statuses.reduce((n, s) => n + (s.last?.score ?? 0), 0);
    const max = statuses.reduce((n, s) => n + (s.last?.maxScore ?? 0), 0);
    const where = path.relative(projectRoot, this.opts.stepsDir) || this.opts.stepsDir;
    return `\n${this.c.bold('container-workshop')} · ${where}/ · ${done} of ${statuses.length} steps done${max ? ` · ${score}/${max} points checked` : ''}`;
  }

  private badge(s: StepStatus): string {
    const c = this.c;
    const score = s.last ? ` ${s.last.score}/${s.last.maxScore}` : '';
    const edited = s.editedSinceCheck ? c.gray(' (edited since)') : '';
    if (!s.exists) return c.gray(`○ no ${s.basename} yet: "reset" creates it`);
    if (s.progress === 'done') return c.green(`✓ done${score}`) + edited;
    if (s.progress === 'in-progress') return c.yellow(`◐ in progress${score}`) + edited;
    return c.gray('○ not started');
  }

  private async stepMenu(initial: StepStatus): Promise<void> {
    let step = initial;
    let next: Action = initial.exists ? 'check' : 'reset';
    for (;;) {
      const hasCheck = checkFiles().some((f) => f.step === step.id);
      const actions: Choice<Action>[] = [
        { title: 'check it', value: 'check', description: hasCheck ? `npm run check ${step.id}` : 'no check yet' },
        { title: 'run it (a shell in the container)', value: 'run', description: `npm run step ${step.id}` },
        { title: 'next hint', value: 'hint', description: `npm run hint ${step.id}` },
        { title: 'open its page', value: 'page', description: docLink(step.page) },
        { title: 'reset it to the skeleton', value: 'reset', description: `npm run reset ${step.id}` },
        { title: 'back', value: 'back' },
      ];
      const action = await this.opts.ask.choose(
        `Step ${step.id} · ${step.title} · ${stripAnsi(this.badge(step))}`,
        actions,
        actions.findIndex((a) => a.value === next),
      );
      if (action === undefined || action === 'back') return;
      next = await this.act(action, step);
      step = stepStatuses(this.opts.stepsDir).find((s) => s.id === step.id) ?? step;
    }
  }

  /** Do one action; returns the action to offer first next time. */
  private async act(action: Exclude<Action, 'back'>, step: StepStatus): Promise<Action> {
    const c = this.c;
    switch (action) {
      case 'check': {
        if (!checkFiles().some((f) => f.step === step.id)) {
          this.say(`Step ${step.id} has no check yet.`);
          return 'run';
        }
        if (!this.sudoReady()) return 'check';
        const sp = spinner(`checking step ${step.id} (steps 1..${step.id})`, { stream: process.stderr });
        const child = runCheckChild(step.id, this.opts.stepsDir, {
          onLine: (l) => sp.text(`checking step ${step.id} · ${stripAnsi(l).replace(/^cw\s+/, '')}`),
        });
        const res = await child.done;
        sp.stop();
        const r = res.results?.find((x) => x.step === step.id);
        if (!r) {
          this.say(`${c.magenta('The check could not run:')}\n${teach(res.stderr.trim(), c)}`);
          return 'check';
        }
        this.say(teach(formatResult(r), c));
        if (r.status === 'pass') return 'back';
        this.say(c.gray('  Stuck? "next hint" is selected below.'));
        return 'hint';
      }
      case 'run':
        this.say(c.gray(`npm run step ${step.id}: exit or Ctrl-D leaves the container`));
        await this.child(['step', String(step.id), '--steps-dir', this.opts.stepsDir]);
        return 'check';
      case 'hint':
        this.say(formatHint(nextHint(step, { stepsDir: this.opts.stepsDir }), c));
        return 'hint';
      case 'page':
        this.say(this.pageText(step));
        return 'check';
      case 'reset': {
        const outcome = await resetStep(step, {
          stepsDir: this.opts.stepsDir,
          confirm: (s) => this.opts.ask.confirm(resetQuestion(s.file)),
        });
        this.say(`${describeReset(outcome)}.`);
        return 'check';
      }
    }
  }

  /**
   * The check re-runs itself through sudo when we are not root; its password
   * prompt would fight with the spinner, so ask for it first, in the open.
   */
  private sudoReady(): boolean {
    if (process.getuid?.() === 0) return true;
    this.opts.ask.pause();
    try {
      const ok = spawnSync('sudo', ['-v', '-p', 'checks need root: [sudo] password for %u: '], { stdio: 'inherit' }).status === 0;
      if (!ok) this.say('Without root the check cannot start containers (namespaces, mounts and cgroups are privileged).');
      return ok;
    } finally {
      this.opts.ask.resume();
    }
  }

  private pageText(step: StepStatus): string {
    const c = this.c;
    const exists = fs.existsSync(step.pageFile);
    const server = hasScript('docs') ? 'npm run docs' : 'npx vitepress dev site';
    return [
      `Step ${step.id}'s page: ${c.bold(docLink(step.page))}${exists ? '' : c.gray(' (not written yet)')}`,
      `In a browser: ${c.cyan(server)}, then open ${c.underline(`http://localhost:5173${step.page}`)}`,
    ].join('\n');
  }

  /** A kit command in a child process that owns the terminal until it ends. */
  private async child(args: string[]): Promise<number | null> {
    this.opts.ask.pause();
    // Ctrl-C at the terminal reaches the whole foreground process group: it is the child's to handle
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    try {
      const argv = [process.execPath, ...kitCommand(...args)];
      // On a terminal, through `sh -c 'set -m; ...'`: a job-control shell gives the child the
      // terminal and takes it back afterwards. The container's interactive shell makes its own
      // process group the terminal's foreground one and cannot give it back on exit (our group
      // is outside its PID namespace); without this the menu would be left in the background.
      const child = process.stdin.isTTY
        ? spawn('/bin/sh', ['-c', 'set -m; "$@"; exit $?', 'sh', ...argv], { cwd: projectRoot, stdio: 'inherit' })
        : spawn(argv[0], argv.slice(1), { cwd: projectRoot, stdio: 'inherit' });
      return await new Promise<number | null>((resolve) => {
        child.on('error', () => resolve(null));
        child.on('close', (code) => resolve(code));
      });
    } finally {
      process.off('SIGINT', ignore);
      this.opts.ask.resume();
    }
  }

  private say(text: string): void {
    this.out.write(`${text}\n`);
  }
}

function hasScript(name: string): boolean {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    return Boolean(pkg.scripts?.[name]);
  } catch {
    return false;
  }
}
