// The menu of `npm start` for real, in a pseudo-terminal: arrow keys, the
// status of each step from its last check, checking, a hint, running the
// container's shell and getting the menu back, resetting with a backup. And
// the numbered plain-text menu when input is not a terminal.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../kit/core/paths.ts';
import { parseStepPage } from '../../kit/tools/ux/step-pages.ts';
import { MAIN, sandbox, skeleton1, step1With, type Sandbox } from './fixtures.ts';
import { Tmux, tmuxAvailable } from './tmux.ts';

const firstHint = (todoId: string) =>
  parseStepPage(fs.readFileSync(path.join(projectRoot, 'site/steps/01-pid.md'), 'utf8')).todos.find((t) => t.id === todoId)!.hints[0];

describe.skipIf(!tmuxAvailable())('npm start, in a terminal', () => {
  let term: Tmux;
  let box: Sandbox;

  beforeEach(() => {
    term = new Tmux();
    box = sandbox('menu', skeleton1());
  });

  afterEach(() => {
    term.kill();
    box.dispose();
  });

  it('lists the steps with their status, checks, hints, runs a shell and resets', async () => {
    term.start([process.execPath, MAIN, 'menu', '--steps-dir', box.stepsDir], { cwd: projectRoot, env: box.env });

    let screen = await term.waitFor(/Pick a step/);
    expect(screen).toMatch(/❯ +1 {2}PID namespace: PID 1, its own \/proc and hostname +○ not started/);
    expect(screen).toMatch(/watch mode: re-check on every save/);

    // Enter on step 1, Enter on "check it": the skeleton is not done, and "next hint" comes first
    term.keys('Enter');
    await term.waitFor(/❯ +check it/);
    term.keys('Enter');
    screen = await term.waitFor(/❯ +next hint/);
    expect(screen).toMatch(/score 0\/12 {2}NOT DONE/);
    expect(screen).toMatch(/Not done yet: TODO "namespaces" in \.mutant-ux-menu-\w+\/01-pid\.ts:\d+/);

    // the hint: the site's first hint for the first TODO
    term.keys('Enter');
    screen = await term.waitFor(/read: site\/steps\/01-pid\.md#todo-namespaces/);
    expect(screen).toContain(`${firstHint('namespaces').title} (1 of 3)`);

    // the student writes the step; checking again turns the status to done
    fs.writeFileSync(box.file, step1With([]));
    await term.waitFor(/❯ +next hint/);
    term.keys('Up', 'Up', 'Enter'); // from "next hint" up to "check it"
    screen = await term.waitFor(/score 12\/12 {2}PASS/);
    screen = await term.waitFor(/Step 1 · PID namespace.* · ✓ done 12\/12 ›[^\n]*\n(.*\n){5}❯ +back/);

    // run it: a shell in the container, then the menu is back and answers keys
    term.keys('Up', 'Up', 'Up', 'Up', 'Enter'); // from "back" up to "run it"
    await term.waitFor(/\[container\]/);
    term.type('echo "pid=$$"');
    term.keys('Enter');
    await term.waitFor(/^pid=1$/m);
    term.type('exit');
    term.keys('Enter');
    // after the shell, the action menu again ("check it" first), answering keys
    screen = await term.waitFor(/pid=1[\s\S]*Step 1 · PID namespace[^\n]*›[^\n]*\n❯ +check it/);

    // reset: asks, keeps a backup, the file is the skeleton again and the status goes back
    term.keys('Down', 'Down', 'Down', 'Down', 'Enter');
    await term.waitFor(/Replace \.mutant-ux-menu-\w+\/01-pid\.ts with its skeleton\?/);
    term.type('y');
    term.keys('Enter');
    await term.waitFor(/is the skeleton again; your version is in /);
    expect(fs.readFileSync(box.file, 'utf8')).toBe(skeleton1());
    const backups = fs.readdirSync(path.join(box.stateDir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(fs.readFileSync(path.join(box.stateDir, 'backups', backups[0]), 'utf8')).toBe(step1With([]));

    // Esc goes back to the list, where step 1 is not started again; Esc again quits
    term.keys('Escape');
    screen = await term.waitForCount(/Pick a step/, 2);
    expect(screen.slice(screen.lastIndexOf('Pick a step'))).toMatch(/❯ +1 {2}PID namespace.*○ not started/);
    term.keys('Escape');
    await term.waitFor(/\[exit 0\]/);
  }, 90_000);
});

describe('npm start without a terminal', () => {
  let box: Sandbox;
  beforeEach(() => (box = sandbox('menu-plain', skeleton1())));
  afterEach(() => box.dispose());

  it('numbers the choices and reads one number per line', () => {
    // step 1 -> "next hint" (3) -> "back" (6) -> "quit" (last)
    const r = spawnSync(process.execPath, [MAIN, 'menu', '--steps-dir', box.stepsDir], {
      cwd: projectRoot,
      env: { ...process.env, ...box.env },
      input: '1\n3\n6\nq\n',
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ +1\) 1 {2}PID namespace.*○ not started$/m);
    expect(r.stdout).toMatch(/choose 1-\d+ \(q to go back\)/);
    expect(r.stdout).toMatch(/ 3\) next hint - npm run hint 1/);
    expect(r.stdout).toContain(`${firstHint('namespaces').title} (1 of 3)`);
    expect(r.stdout).not.toMatch(/\x1b\[/); // no escape codes off a terminal
  });
});
