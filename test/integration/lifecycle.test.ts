// The lifecycle on real namespaces: a failing child operation comes back as a
// clear error naming the operation, the errno and the step's line; hooks that
// throw leave nothing behind; the child's stdio is what we gave it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runContainer, startContainer } from '../../kit/host/run.ts';
import { mount, mkdir, pivot_root } from '../../kit/core/ops.ts';
import { ChildOpError } from '../../kit/core/spawn.ts';
import { solutionsDir } from '../../kit/core/paths.ts';
import { loadStepsUpTo } from '../../kit/core/steps.ts';
import { isAlive } from '../../kit/host/proc.ts';
import type { StepDefinition } from '../../kit/core/types.ts';

const opts = (argv: string[]) => ({ argv, solution: true, stepsDir: solutionsDir });
const base: StepDefinition = {
  id: 1,
  name: 'test',
  title: 'test',
  page: '/steps/01-pid',
  configure(_ctx, spec) {
    spec.cloneFlags.add('CLONE_NEWNS');
    spec.ops.push(mount(null, '/', null, ['MS_REC', 'MS_PRIVATE']));
  },
};

function capture(): { fd: number; read: () => string; close: () => void } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cw-life-')), 'out');
  const fd = fs.openSync(file, 'w');
  return {
    fd,
    read: () => fs.readFileSync(file, 'utf8'),
    close: () => (fs.closeSync(fd), fs.rmSync(path.dirname(file), { recursive: true })),
  };
}

describe('lifecycle', () => {
  it('reports a failing child operation with its call, errno name and hint', async () => {
    const bad: StepDefinition = {
      ...base,
      configure(ctx, spec) {
        base.configure!(ctx, spec);
        spec.ops.push(pivot_root('/tmp', '/tmp/nope'));
      },
    };
    const err = await runContainer({ steps: [bad], options: opts(['true']) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChildOpError);
    const e = err as ChildOpError;
    expect(e.message).toMatch(/^pivot_root\("\/tmp", "\/tmp\/nope"\) failed in the container: E[A-Z]+/);
    expect(e.hint).toBeTruthy();
  });

  it('names a missing command with ENOENT', async () => {
    const err = await runContainer({ steps: [base], options: opts(['no-such-command-cw']) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChildOpError);
    expect((err as Error).message).toBe('execve("no-such-command-cw") failed in the container: ENOENT');
  });

  it('mkdir of an existing directory is not an error; a missing parent is ENOENT', async () => {
    const step: StepDefinition = {
      ...base,
      configure(ctx, spec) {
        base.configure!(ctx, spec);
        spec.ops.push(mkdir('/tmp'), mkdir('/no/such/parent'));
      },
    };
    const err = await runContainer({ steps: [step], options: opts(['true']) }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^mkdir\("\/no\/such\/parent", 0755\) failed in the container: ENOENT/);
  });

  it('passes the exit code and the signal through', async () => {
    const steps = await loadStepsUpTo(solutionsDir, 1);
    expect((await runContainer({ steps, options: opts(['sh', '-c', 'exit 42']) })).status).toEqual({ code: 42, signal: null });
    expect((await runContainer({ steps, options: opts(['sh', '-c', 'kill -9 $$']) })).status.code).toBe(0); // PID 1 cannot be SIGKILLed from inside
  });

  it('gives the command the stdio it was asked to use', async () => {
    const steps = await loadStepsUpTo(solutionsDir, 1);
    const out = capture();
    try {
      await runContainer({ steps, options: opts(['sh', '-c', 'echo out; echo err >&2']), stdio: [undefined, out.fd, out.fd] });
      expect(out.read()).toBe('out\nerr\n');
    } finally {
      out.close();
    }
  });

  it('a setup hook that throws kills the paused child and runs every teardown', async () => {
    let pid = 0;
    let tornDown = false;
    const step: StepDefinition = {
      ...base,
      setup(_ctx, child) {
        pid = child.pid;
        throw new Error('boom in setup');
      },
      teardown() {
        tornDown = true;
      },
    };
    await expect(runContainer({ steps: [step], options: opts(['sleep', '30']) })).rejects.toThrow('boom in setup');
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
    expect(tornDown).toBe(true);
  });

  it('runs two containers at once with distinct run ids', async () => {
    const steps = await loadStepsUpTo(solutionsDir, 1);
    const [a, b] = await Promise.all([
      startContainer({ steps, options: opts(['sleep', '0.2']) }),
      startContainer({ steps, options: opts(['sleep', '0.2']) }),
    ]);
    expect(a.ctx.runId).not.toBe(b.ctx.runId);
    expect(fs.readlinkSync(`/proc/${a.pid}/ns/pid`)).not.toBe(fs.readlinkSync(`/proc/${b.pid}/ns/pid`));
    await Promise.all([a.exited, b.exited]);
    await Promise.all([a.teardown(), b.teardown()]);
  });
});
