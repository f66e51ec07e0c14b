// "the container used: CPU time 0.00 s, peak memory 0 bytes, 0 OOM kills" was
// printed before the error of a container that never started: the usage line
// is for containers whose command ran (the lifecycle's ctx.started).

import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportUsage } from '../../kit/host/cgroup/report.ts';
import { runContainer } from '../../kit/host/run.ts';
import { mount } from '../../kit/core/ops.ts';
import { solutionsDir } from '../../kit/core/paths.ts';
import type { RunContext, StepDefinition } from '../../kit/core/types.ts';

const seen: boolean[] = [];
const step: StepDefinition = {
  id: 4,
  name: 'cgroups',
  title: 'reports usage at teardown, as step 4 does',
  page: '/steps/04-cgroups',
  configure(_ctx, spec) {
    spec.cloneFlags.add('CLONE_NEWNS');
    spec.ops.push(mount(null, '/', null, ['MS_REC', 'MS_PRIVATE']));
  },
  teardown(ctx: RunContext) {
    seen.push(ctx.started === true);
    reportUsage(ctx, { cpuUsec: 0, memoryPeakBytes: 0, oomKills: 0 });
  },
};

afterEach(() => {
  vi.restoreAllMocks();
  seen.length = 0;
});

function stderrLines(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

const options = (argv: string[]) => ({ argv, solution: true, stepsDir: solutionsDir });

describe('the usage line', () => {
  it('is printed for a container that ran', async () => {
    const lines = stderrLines();
    await runContainer({ steps: [step], options: options(['true']) });
    expect(seen).toEqual([true]);
    expect(lines.join('')).toMatch(/the container used: CPU time/);
  });

  it('is not printed for a container that never started', async () => {
    const lines = stderrLines();
    const err = await runContainer({ steps: [step], options: options(['no-such-command-cw']) }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/execve.*ENOENT/);
    expect(seen).toEqual([false]);
    expect(lines.join('')).not.toMatch(/the container used/);
  });
});
