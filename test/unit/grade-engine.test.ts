// The engine's pure parts: reading a child's output without trusting it, the
// job pool, the gate, the resume file, finding submissions.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepCatalog } from '../../kit/tools/grade/catalog.ts';
import { blanketResult } from '../../kit/tools/grade/catalog.ts';
import { inconclusive } from '../../kit/tools/grade/engine.ts';
import { Gate } from '../../kit/tools/grade/gate.ts';
import { lastJsonArray, trustedResult } from '../../kit/tools/grade/parse-result.ts';
import { boundJobs, runPool } from '../../kit/tools/grade/queue.ts';
import { ResumeFile } from '../../kit/tools/grade/resume.ts';
import { expandSources, parseSteps, safeKey } from '../../kit/tools/grade/sources.ts';
import type { StudentGrade } from '../../kit/tools/grade/types.ts';

const cat: StepCatalog = {
  step: 1,
  title: 'PID',
  page: '/steps/01-pid',
  assertions: [
    { id: 'pid1', name: 'PID 1', points: 2, hint: 'h1', page: '/steps/01-pid#a' },
    { id: 'uts', name: 'UTS', points: 1, hint: 'h2', page: '/steps/01-pid#b' },
  ],
};

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-grade-engine-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("reading a child's output", () => {
  const real = [
    {
      step: 1,
      assertions: [
        { id: 'pid1', status: 'pass' },
        { id: 'uts', status: 'fail', seen: 'same ns' },
      ],
    },
  ];

  it('takes the last JSON array after whatever the student printed', () => {
    const out = `hello from my step\n[not json\n${JSON.stringify(real, null, 2)}\n`;
    expect(lastJsonArray(out)).toEqual(real);
    expect(lastJsonArray('no json at all')).toBeUndefined();
  });

  it("keeps only what the catalog defines, with the catalog's points and hints, and recomputes the score", () => {
    const forged = [
      {
        step: 1,
        score: 1000,
        maxScore: 1,
        assertions: [
          { id: 'pid1', status: 'pass', points: 500, hint: '<a href=evil>', name: 'forged' },
          { id: 'bonus', status: 'pass', points: 100 },
          { id: 'uts', status: 'super-pass', seen: 'x'.repeat(5000) },
        ],
      },
    ];
    const r = trustedResult(forged, cat, '/ws/steps', 10);
    expect(typeof r).not.toBe('string');
    if (typeof r === 'string') return;
    expect(r.assertions.map((a) => [a.id, a.status, a.points, a.hint])).toEqual([
      ['pid1', 'pass', 2, 'h1'],
      ['uts', 'error', 1, 'h2'],
    ]);
    expect(r.score).toBe(2);
    expect(r.maxScore).toBe(3);
    expect(r.assertions[1].seen?.length).toBeLessThan(2100);
    expect(r.status).toBe('error');
  });

  it('a missing assertion is an error, a missing step a reason', () => {
    const r = trustedResult([{ step: 1, assertions: [{ id: 'pid1', status: 'fail' }] }], cat, '', 0);
    expect(typeof r !== 'string' && r.assertions[1]).toMatchObject({ status: 'error', message: expect.stringMatching(/missing/) });
    expect(trustedResult([{ step: 2, assertions: [] }], cat, '', 0)).toMatch(/no result for step 1/);
    expect(trustedResult(undefined, cat, '', 0)).toMatch(/printed no results/);
  });

  it('accepts "skipped" only for an assertion the instructor\'s check marks as a benchmark, and then it is worth 0 of 0', () => {
    const withBench = {
      ...cat,
      assertions: [
        ...cat.assertions.map((x) => ({ ...x })),
        { id: 'ratio', name: 'ratio', points: 4, hint: 'h', page: '/p', benchmark: true },
      ],
    };
    const r = trustedResult(
      [
        {
          step: 1,
          assertions: [
            { id: 'pid1', status: 'skipped' },
            { id: 'uts', status: 'pass' },
            { id: 'ratio', status: 'skipped' },
          ],
        },
      ],
      withBench,
      '',
      0,
    );
    expect(typeof r).not.toBe('string');
    if (typeof r === 'string') return;
    // a student's forged "skipped" to shrink the maximum is an error, not a skip
    expect(r.assertions.map((x) => x.status)).toEqual(['error', 'pass', 'skipped']);
    expect([r.score, r.maxScore]).toEqual([1, 3]);
  });

  it('tells an inconclusive check (machine too busy) from a failure', () => {
    const busy = blanketResult(cat, 'fail', 'x');
    busy.assertions[0].inconclusive = true;
    expect(inconclusive(busy)).toBe(true);
    // the words alone do not make it inconclusive: only the check's flag does
    const says = blanketResult(cat, 'fail', 'x');
    says.assertions[0].seen = 'the machine is too busy to tell: ...';
    expect(inconclusive(says)).toBe(false);
    expect(inconclusive(blanketResult(cat, 'fail', 'wrong'))).toBe(false);
    // and it survives the trip through the grading child's JSON
    const parsed = trustedResult([{ ...busy, assertions: busy.assertions.map((a) => ({ ...a })) }], cat, '', 0);
    expect(typeof parsed === 'string' ? parsed : parsed.assertions[0].inconclusive).toBe(true);
  });
});

describe('pool and gate', () => {
  it('bounds --jobs by the cores', () => {
    expect(boundJobs(8, 2)).toBe(2);
    expect(boundJobs(undefined, 4)).toBe(4);
    expect(boundJobs(0, 4)).toBe(1);
  });

  it('runs at most N at once and keeps the order of results', async () => {
    let running = 0;
    let peak = 0;
    const r = await runPool([5, 1, 3, 2, 4], 2, async (x) => {
      peak = Math.max(peak, ++running);
      await new Promise((res) => setTimeout(res, x));
      running--;
      return x * 10;
    });
    expect(peak).toBe(2);
    expect(r).toEqual([50, 10, 30, 20, 40]);
  });

  it('an exclusive holder runs alone, and is not starved', async () => {
    const gate = new Gate();
    const log: string[] = [];
    const hold = async (name: string, exclusive: boolean, ms: number) => {
      const release = await (exclusive ? gate.enterExclusive() : gate.enterShared());
      log.push(`+${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`-${name}`);
      release();
    };
    await Promise.all([hold('a', false, 20), hold('b', false, 20), hold('X', true, 10), hold('c', false, 5)]);
    const x = log.indexOf('+X');
    expect(log.slice(x, x + 2)).toEqual(['+X', '-X']); // nobody inside while X runs
    expect(log.indexOf('+X')).toBeGreaterThan(Math.max(log.indexOf('-a'), log.indexOf('-b'))); // waited for a and b
    expect(log.indexOf('+c')).toBeGreaterThan(log.indexOf('-X')); // c came after X
  });
});

describe('resume file', () => {
  const g = (key: string, sha: string): StudentGrade => ({
    key,
    source: key,
    sha256: sha,
    status: 'graded',
    results: [],
    notes: [],
    gradedAt: 't',
    durationMs: 1,
  });

  it('finds finished students with unchanged submissions and the same settings; ignores a torn line', () => {
    const a = new ResumeFile(tmp, 'fp1');
    a.add(g('alice', 'aaa'));
    a.add(g('bob', 'bbb'));
    fs.appendFileSync(path.join(tmp, 'progress.jsonl'), '{"fingerprint":"fp1","grade":{"key":"car');
    const b = new ResumeFile(tmp, 'fp1');
    expect(b.find('alice', 'aaa')?.key).toBe('alice');
    expect(b.find('alice', 'changed')).toBeUndefined();
    expect(new ResumeFile(tmp, 'fp2').find('alice', 'aaa')).toBeUndefined();
    b.reset();
    expect(new ResumeFile(tmp, 'fp1').find('bob', 'bbb')).toBeUndefined();
  });
});

describe('finding submissions', () => {
  it('expands a folder of zips and folders, with safe unique keys', () => {
    fs.writeFileSync(path.join(tmp, 'Ann Smith.zip'), '');
    fs.writeFileSync(path.join(tmp, 'ann_smith.zip'), '');
    fs.mkdirSync(path.join(tmp, 'bob', 'steps'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'notes.txt'), '');
    const s = expandSources([tmp]);
    expect(s.map((x) => [x.key, x.kind])).toEqual([
      ['Ann_Smith', 'zip'],
      ['ann_smith', 'zip'],
      ['bob', 'folder'],
    ]);
    expect(expandSources([path.join(tmp, 'bob')])).toMatchObject([{ key: 'bob', kind: 'folder' }]);
    expect(safeKey('../../etc')).toBe('etc');
    expect(() => expandSources([path.join(tmp, 'nope')])).toThrow(/No such file/);
    expect(() => expandSources([])).toThrow(/Which submissions/);
  });

  it('parses step ranges', () => {
    expect(parseSteps('1-4')).toEqual([1, 2, 3, 4]);
    expect(parseSteps('4,1,2')).toEqual([1, 2, 4]);
    expect(parseSteps('4-1')).toBeUndefined();
    expect(parseSteps('x')).toBeUndefined();
  });
});
