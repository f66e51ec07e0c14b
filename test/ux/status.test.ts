// Where a student stands on each step, from the last checks and the files.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentStep, stepStatuses } from '../../kit/tools/ux/status.ts';
import { sandbox, skeleton1, step1With, type Sandbox } from './fixtures.ts';

describe('stepStatuses', () => {
  let box: Sandbox;
  const saved = process.env.CW_STATE_DIR;
  beforeEach(() => {
    box = sandbox('status', skeleton1());
    process.env.CW_STATE_DIR = box.stateDir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.CW_STATE_DIR;
    else process.env.CW_STATE_DIR = saved;
    box.dispose();
  });

  const lastCheck = (status: string, score: number, at = new Date(Date.now() + 60_000).toISOString()) =>
    fs.writeFileSync(
      path.join(box.stateDir, 'last-check.json'),
      JSON.stringify({ [`${box.stepsDir}#1`]: { step: 1, stepsDir: box.stepsDir, status, score, maxScore: 12, at } }),
    );
  const step1 = () => stepStatuses(box.stepsDir).find((s) => s.id === 1)!;

  it('the shipped skeleton, never checked: not started', () => {
    expect(step1()).toMatchObject({ progress: 'not-started', pristine: true, exists: true });
  });

  it('edited, or checked with a failure: in progress; passing: done', () => {
    fs.writeFileSync(box.file, step1With(['hostname']));
    expect(step1().progress).toBe('in-progress');
    lastCheck('fail', 7);
    expect(step1()).toMatchObject({ progress: 'in-progress', last: { score: 7 } });
    lastCheck('pass', 12);
    expect(step1()).toMatchObject({ progress: 'done', editedSinceCheck: false });
    lastCheck('pass', 12, new Date(Date.now() - 60_000).toISOString());
    expect(step1().editedSinceCheck).toBe(true);
  });

  it('steps only solutions/ has are listed as missing, and the current step is the first present one not done', () => {
    const all = stepStatuses(box.stepsDir);
    expect(all.filter((s) => s.id !== 1).every((s) => !s.exists)).toBe(true);
    expect(currentStep(all)?.id).toBe(1);
    lastCheck('pass', 12);
    expect(currentStep(stepStatuses(box.stepsDir))?.id).toBe(1); // all present steps done: the last one
  });
});
