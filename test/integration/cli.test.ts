// The commands as a student types them (through npm), checking stdout, stderr
// and exit codes.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../kit/core/paths.ts';

function npm(...args: string[]) {
  const r = spawnSync('npm', ['run', '-s', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run step', () => {
  it('runs a command inside: only its output on stdout, its exit code', () => {
    const r = npm('step', '1', '--', '--solution', '--', 'sh', '-c', 'echo $$; hostname; exit 5');
    expect(r.stdout).toBe('1\ncontainer\n');
    expect(r.code).toBe(5);
  });

  it('passes step options (--hostname)', () => {
    expect(npm('step', '1', '--', '--solution', '--hostname', 'lab-box', '--', 'hostname').stdout).toBe('lab-box\n');
  });

  it('on the skeleton, says which TODO is not done and which page explains it', () => {
    const r = npm('step', '1', '--', '--', 'true');
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/TODO "namespaces" in steps\/01-pid\.ts:\d+/);
    expect(r.stderr).toMatch(/site\/steps\/01-pid\.md#todo-namespaces/);
    expect(r.stderr).not.toMatch(/at .*\(.*\.ts:\d+:\d+\)/); // no stack trace
  });

  it('an unknown step lists the steps', () => {
    const r = npm('step', '42');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/There is no step 42\. The steps are: 1 \(pid\)/);
  });

  it('a command missing inside the container is named with ENOENT', () => {
    const r = npm('step', '1', '--', '--solution', '--', 'definitely-not-here');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/execve\("definitely-not-here"\) failed in the container: ENOENT/);
    expect(r.stderr).toMatch(/command not found inside the container/);
  });

  it('a step file that does not compile gets a clear message, not a stack trace', () => {
    const dir = fs.mkdtempSync(path.join(projectRoot, '.mutant-syntax-'));
    try {
      fs.writeFileSync(path.join(dir, '01-pid.ts'), 'export default {{{ broken');
      const r = npm('step', '1', '--', '--steps-dir', dir, '--', 'true');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/01-pid\.ts could not be loaded/);
      expect(r.stderr).toMatch(/what to do: Fix the syntax/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--help documents the command, with the step options made from the steps' declarations (step N: those of steps 1..N)", () => {
    const r = npm('step', '--', '--help');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/usage: npm run step N/);
    expect(r.stderr).toMatch(/^ {2}--memory SIZE +memory limit \(step 4; default 256M\)$/m);
    expect(r.stderr).toMatch(/^ {2}--uid-base N +.*\(step 6; default 100000\)$/m);
    const two = npm('step', '2', '--', '--help');
    expect(two.stderr).toMatch(/^ {2}--home-size SIZE /m);
    expect(two.stderr).not.toMatch(/--memory SIZE/);
  });

  it('an option no step declares, or a value of the wrong type: exit 2, the option, what it expects, the page; no stack trace', () => {
    const unknown = npm('step', '1', '--', '--solution', '--memory', '64M', '--', 'true');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option --memory for step 1\. The steps' options here: --hostname\./);
    expect(unknown.stderr).toMatch(/site\/steps\/01-pid\.md/);
    const wrong = npm('step', '4', '--', '--solution', '--pids', 'lots', '--', 'true');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--pids "lots" is not valid: expected a whole number/);
    expect(wrong.stderr).toMatch(/site\/steps\/04-cgroups\.md#options/);
    for (const r of [unknown, wrong]) expect(r.stderr).not.toMatch(/at .*\(.*\.ts:\d+:\d+\)/);
  });
});

describe('npm run check', () => {
  it('fails with "not done" on the skeleton and passes with --solution; --json is machine-readable', () => {
    const skel = npm('check', '1', '--', '--json');
    expect(skel.code).toBe(1);
    const results = JSON.parse(skel.stdout) as { status: string }[];
    expect(results[0].status).toBe('not-attempted');
    const sol = npm('check', '1', '--', '--solution');
    expect(sol.code).toBe(0);
    expect(sol.stderr).toMatch(/score 12\/12 {2}PASS/);
  });
});
