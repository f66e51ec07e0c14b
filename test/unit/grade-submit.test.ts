// `npm run submit`: refuses the pristine skeleton, remembers the student,
// writes a zip the grader accepts, with a manifest whose hashes match.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSubmission, writeSubmission } from '../../kit/grade/unpack.ts';
import { solutionsDir } from '../../kit/paths.ts';
import { generateSkeletons } from '../../kit/skeleton.ts';
import { submitCommand } from '../../kit/submit/command.ts';
import { sha256 } from '../../kit/submit/manifest.ts';

let root: string;
let steps: string;
let state: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-grade-submit-'));
  steps = path.join(root, 'steps');
  state = path.join(root, 'state');
  fs.mkdirSync(steps);
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'container-workshop', version: '9.9.9' }));
  for (const [name, text] of generateSkeletons(solutionsDir)) fs.writeFileSync(path.join(steps, name), text);
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const submit = (argv: string[]) => submitCommand(argv, { root, steps, state, solutions: solutionsDir, quiet: true });
const firstStep = () => fs.readdirSync(steps).sort()[0];

describe('npm run submit', () => {
  it('refuses when every step is the pristine skeleton', async () => {
    await expect(submit(['--name', 'Ada', '--id', 'a1'])).rejects.toThrow(/Nothing to submit yet/);
    expect(fs.readdirSync(root).filter((f) => f.endsWith('.zip'))).toEqual([]);
  });

  it('does not count line-ending changes as work', async () => {
    const f = path.join(steps, firstStep());
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/\n/g, '\r\n'));
    await expect(submit(['--name', 'Ada', '--id', 'a1'])).rejects.toThrow(/Nothing to submit/);
  });

  it('asks who you are when it cannot ask and does not know', async () => {
    fs.copyFileSync(path.join(solutionsDir, firstStep()), path.join(steps, firstStep()));
    await expect(submit([])).rejects.toThrow(/Who are you\?/);
  });

  it('packs a zip the grader takes, with a truthful manifest, and remembers the student', async () => {
    fs.copyFileSync(path.join(solutionsDir, firstStep()), path.join(steps, firstStep()));
    fs.mkdirSync(path.join(root, 'results'));
    fs.writeFileSync(path.join(root, 'results', 'bench.md'), '# numbers');
    fs.writeFileSync(path.join(root, 'report.md'), '# my report');
    fs.mkdirSync(state);
    fs.writeFileSync(path.join(state, 'last-check.json'), JSON.stringify({ [`${steps}#1`]: { step: 1, stepsDir: steps, status: 'pass', at: '2025-01-01T00:00:00Z' } }));

    expect(await submit(['--name', 'Ada Lovelace', '--id', 'al/42'])).toBe(0);
    const zip = path.join(root, 'submission-al_42.zip');
    expect(JSON.parse(fs.readFileSync(path.join(state, 'student.json'), 'utf8'))).toEqual({ name: 'Ada Lovelace', id: 'al/42' });

    const r = await readSubmission({ key: 'al', path: zip, kind: 'zip' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const w = writeSubmission(r.raw, path.join(root, 'unpacked'));
    expect(w.notes).toEqual([]); // hashes agree, manifest present
    expect(w.manifest).toMatchObject({ studentName: 'Ada Lovelace', studentId: 'al/42', kitVersion: '9.9.9', localPasses: [1] });
    expect(w.manifest?.files?.['results/bench.md']).toBe(sha256('# numbers'));
    expect(w.manifest?.files?.['report.md']).toBe(sha256('# my report'));
    expect(w.steps.length).toBe(fs.readdirSync(steps).length);

    // the second time, nothing is asked
    fs.rmSync(zip);
    expect(await submit([])).toBe(0);
    expect(fs.existsSync(zip)).toBe(true);
  });
});
