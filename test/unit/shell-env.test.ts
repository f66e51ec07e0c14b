// The kit's `$` runs bash as a nested shell even when the kit itself was
// started without SHLVL (the sudo re-run, the grader's child): bash with a
// socket on stdin and no shell level reads ~/.bashrc first, as if sshd had
// started it, and a heavy ~/.bashrc then costs seconds per command.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../kit/core/paths.ts';

describe("the kit's $ and ~/.bashrc", () => {
  it('does not make bash read ~/.bashrc when the kit starts without SHLVL', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-shlvl-'));
    try {
      fs.writeFileSync(path.join(home, '.bashrc'), 'echo BASHRC-READ\n');
      const script = `const { $ } = await import(${JSON.stringify(path.join(projectRoot, 'kit/core/shell.ts'))}); const r = await $({ quiet: true })\`echo level=$SHLVL\`; process.stdout.write(r.stdout);`;
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home };
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env,
        encoding: 'utf8',
        cwd: projectRoot,
      });
      expect(r.stderr).toBe('');
      expect(r.stdout).not.toContain('BASHRC-READ');
      expect(r.stdout.trim()).toBe('level=2');
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
