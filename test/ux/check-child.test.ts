// Watch mode's check child started ahead (`check N --warm`): it loads the kit
// and check N, then waits for a step on stdin. It must check the step file as
// it is when told to go (not as it was when it started), any step it is given,
// and leave quietly when it is not needed.

import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { warmCheckChild } from '../../kit/tools/ux/check-child.ts';
import { sandbox, step1With, type Sandbox } from './fixtures.ts';

describe('a check child started ahead', () => {
  let box: Sandbox;
  const saved = process.env.CW_STATE_DIR;

  beforeEach(() => {
    box = sandbox('warm', step1With(['hostname']));
    process.env.CW_STATE_DIR = box.stateDir; // the child inherits the environment
  });

  afterEach(() => {
    if (saved === undefined) delete process.env.CW_STATE_DIR;
    else process.env.CW_STATE_DIR = saved;
    box.dispose();
  });

  it('checks the step file as saved after it started', async () => {
    const warm = warmCheckChild(box.stepsDir, 1);
    await new Promise((r) => setTimeout(r, 1500)); // loaded and waiting, with the old file compiled into nothing yet
    fs.writeFileSync(box.file, step1With([])); // the TODO done: the check must see this version
    const lines: string[] = [];
    const res = await warm.go(1, { onLine: (l) => lines.push(l) }).done;
    expect(res.code, res.stderr).toBe(0);
    expect(res.results?.map((r) => [r.step, r.status])).toEqual([[1, 'pass']]);
  }, 60_000);

  it('checks the step it is told, not only the one it loaded ahead', async () => {
    const res = await warmCheckChild(box.stepsDir, 2).go(1).done; // no check of step 2 here: nothing loaded ahead
    // step 1 with its TODO "hostname" left: checked, and not done
    expect(res.results?.map((r) => [r.step, r.status])).toEqual([[1, 'not-attempted']]);
  }, 60_000);

  it('exits 0 without checking anything when it is not needed', async () => {
    // dispose() before the child has even loaded: it reads the end of its stdin and leaves,
    // having written no result and started no container (the state folder holds no run)
    await warmCheckChild(box.stepsDir, 1).dispose();
    const res = fs.readdirSync(box.stateDir).length;
    expect(res).toBe(0);
  }, 60_000);
});
