// Watch mode for real, in a pseudo-terminal: the first check, a hint on `h`,
// a save that does not compile (the watcher survives it), a save that fixes
// the last TODO (the check flips to pass, only the changes are shown), `q`.

import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../kit/core/paths.ts';
import { parseStepPage } from '../../kit/tools/ux/step-pages.ts';
import { MAIN, sandbox, step1With, type Sandbox } from './fixtures.ts';
import { Tmux, tmuxAvailable } from './tmux.ts';

describe.skipIf(!tmuxAvailable())('npm run watch, in a terminal', () => {
  let term: Tmux;
  let box: Sandbox;

  beforeEach(() => {
    term = new Tmux();
    box = sandbox('watch', step1With(['hostname']));
  });

  afterEach(() => {
    term.kill();
    box.dispose();
  });

  it('re-checks on every save, shows what flipped, survives a broken file, gives hints and quits', async () => {
    term.start([process.execPath, MAIN, 'watch', '1', '--steps-dir', box.stepsDir], { cwd: projectRoot, env: box.env });

    // the first check: the full result, not done, naming the TODO and the student's own line
    let screen = await term.waitFor(/score 0\/12 {2}NOT DONE/);
    expect(screen).toMatch(/cw watch .*h next hint · r check again · f full result · q quit/);
    expect(screen).toMatch(/Not done yet: TODO "hostname" in \.mutant-ux-watch-\w+\/01-pid\.ts:\d+/);

    // h: the first hint of that TODO, the same text as the site's page
    let mark = term.mark();
    term.type('h');
    const page = parseStepPage(fs.readFileSync(`${projectRoot}/site/steps/01-pid.md`, 'utf8'));
    const hint1 = page.todos.find((t) => t.id === 'hostname')!.hints[0];
    screen = await term.waitFor(/read: site\/steps\/01-pid\.md#todo-hostname/, { after: mark });
    expect(screen).toContain('Step 1 · TODO hostname');
    expect(screen).toContain(`${hint1.title} (1 of 3)`);
    expect(screen).toContain(hint1.body.split('\n')[0].replace(/`/g, '').slice(0, 60));

    // a save that does not compile: reported with its line, and the watcher goes on
    mark = term.mark();
    fs.writeFileSync(box.file, step1With(['hostname']).replace(/todo\("hostname".*\n/, 'spec.ops.push(sethostname(hostname);\n'));
    screen = await term.waitFor(/score 0\/12 {2}ERROR \(was 0\/12 NOT DONE\)/, { after: mark });
    expect(screen).toMatch(/01-pid\.ts saved · step 1/);
    expect(screen).toMatch(/8 assertions could not run/);
    expect(screen).toMatch(/01-pid\.ts could not be loaded: .*01-pid\.ts:\d+:\d+/);

    // the save that fixes the TODO: every assertion flips to pass, and only those are listed
    mark = term.mark();
    fs.writeFileSync(box.file, step1With([]));
    screen = await term.waitFor(/score 12\/12 {2}PASS \(was 0\/12 ERROR\)/, { after: mark });
    expect(screen).toMatch(/✓ now passes the probe sees itself as PID 1/);
    expect(screen).toMatch(/✓ now passes the hostname inside is the one asked for/);
    expect(screen).toMatch(/Step 1 passes\./);
    expect(screen).not.toMatch(/✗/);

    // a save that breaks one thing: only that flips
    mark = term.mark();
    fs.writeFileSync(box.file, step1With([]).replace("spec.cloneFlags.add('CLONE_NEWIPC');", ''));
    screen = await term.waitFor(/score 11\/12 {2}FAIL \(was 12\/12 PASS\)/, { after: mark });
    expect(screen).toMatch(/✗ now fails {2}its IPC namespace differs from the host's/);
    expect(screen).toMatch(/hint: {5}Add CLONE_NEWIPC to the clone flags\./);
    expect(screen.match(/now (passes|fails)/g)).toHaveLength(1);

    term.type('q');
    screen = await term.waitFor(/\[exit 0\]/);
    expect(screen).toMatch(/cw watch bye/);
  }, 90_000);
});
