// `npm run submit`: refuses the pristine skeleton, remembers the student,
// writes a zip the grader accepts, with a manifest whose hashes match.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSubmission, writeSubmission } from '../../kit/tools/grade/unpack.ts';
import { solutionsDir } from '../../kit/core/paths.ts';
import { generateSkeletons } from '../../kit/tools/skeleton.ts';
import { submitCommand } from '../../kit/tools/submit/command.ts';
import { sha256 } from '../../kit/tools/submit/manifest.ts';

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
    await expect(submit(['--no-report'])).rejects.toThrow(/Who are you\?/);
  });

  it('packs a zip the grader takes, with a truthful manifest, and remembers the student', async () => {
    fs.copyFileSync(path.join(solutionsDir, firstStep()), path.join(steps, firstStep()));
    fs.mkdirSync(path.join(root, 'results'));
    fs.writeFileSync(path.join(root, 'results', 'bench.md'), '# numbers');
    fs.writeFileSync(path.join(root, 'results', 'report.pdf'), '%PDF-1.4 mine');
    fs.writeFileSync(path.join(root, 'report.md'), '# my report');
    fs.mkdirSync(state);
    fs.writeFileSync(
      path.join(state, 'last-check.json'),
      JSON.stringify({ [`${steps}#1`]: { step: 1, stepsDir: steps, status: 'pass', at: '2025-01-01T00:00:00Z' } }),
    );

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

    expect(w.manifest?.files?.['results/report.pdf']).toBe(sha256('%PDF-1.4 mine'));

    // the second time, nothing is asked
    fs.rmSync(zip);
    expect(await submit([])).toBe(0);
    expect(fs.existsSync(zip)).toBe(true);
  });
});

describe('the zip meets the brief', () => {
  const zipEntries = async (zip: string): Promise<Map<string, string>> => {
    const { default: yauzl } = await import('yauzl');
    return new Promise((resolve, reject) => {
      yauzl.open(zip, { lazyEntries: true }, (err, z) => {
        if (err || !z) return reject(err ?? new Error('no zip'));
        const out = new Map<string, string>();
        z.on('entry', (e: import('yauzl').Entry) => {
          z.openReadStream(e, (err2, s) => {
            if (err2 || !s) return reject(err2 ?? new Error('no stream'));
            const chunks: Buffer[] = [];
            s.on('data', (c: Buffer) => chunks.push(c));
            s.on('end', () => {
              out.set(e.fileName, Buffer.concat(chunks).toString('utf8'));
              z.readEntry();
            });
          });
        });
        z.on('end', () => resolve(out));
        z.readEntry();
      });
    });
  };

  it('refuses to pack without the report PDF unless --no-report, and says how to make one', async () => {
    fs.copyFileSync(path.join(solutionsDir, firstStep()), path.join(steps, firstStep()));
    await expect(submit(['--name', 'Ada', '--id', 'a1'])).rejects.toThrow(/no report PDF[\s\S]*/);
    await expect(submit(['--name', 'Ada', '--id', 'a1'])).rejects.toMatchObject({ hint: expect.stringContaining('npm run report') });
    expect(fs.readdirSync(root).filter((f) => f.endsWith('.zip'))).toEqual([]);
    expect(await submit(['--name', 'Ada', '--id', 'a1', '--no-report'])).toBe(0);
    const z = await zipEntries(path.join(root, 'submission-a1.zip'));
    expect(z.get('README.md')).toContain('no PDF in this zip (submitted with --no-report)');
  });

  it('has a README (student, kit version, each file, how to run each step, checks, the report), every file under steps/, and names what it leaves out', async () => {
    fs.copyFileSync(path.join(solutionsDir, firstStep()), path.join(steps, firstStep()));
    fs.mkdirSync(path.join(steps, 'lib'));
    fs.writeFileSync(path.join(steps, 'lib', 'helpers.ts'), 'export const x = 1;\n');
    fs.writeFileSync(path.join(steps, 'notes.txt'), 'my notes');
    fs.writeFileSync(path.join(steps, 'huge.bin'), Buffer.alloc(600 * 1024));
    fs.mkdirSync(path.join(root, 'results', 'bench-cpus1'), { recursive: true });
    fs.writeFileSync(path.join(root, 'results', 'report.pdf'), '%PDF-1.4');
    fs.writeFileSync(
      path.join(root, 'results', 'report.md'),
      '# r\n\n## 2. Step 1\n\n_✎ Your answer, in your own words (replace this line)._\n',
    );
    fs.writeFileSync(path.join(root, 'results', 'bench-cpus1', 'bench.json'), '{}');
    fs.mkdirSync(state);
    fs.writeFileSync(
      path.join(state, 'last-check.json'),
      JSON.stringify({ [`${steps}#1`]: { step: 1, stepsDir: steps, status: 'pass', at: '2025-01-01T00:00:00Z' } }),
    );
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await submitCommand(['--name', 'Ada Lovelace', '--id', 'a1'], { root, steps, state, solutions: solutionsDir })).toBe(0);
    } finally {
      process.stderr.write = write;
    }
    const said = lines.join('');
    expect(said).toMatch(/1 question\(s\) or placeholder\(s\) of your report are still unanswered[\s\S]*results\/report.md:5/);
    expect(said).toMatch(/left out: steps\/huge.bin \(600 KiB, over the 512 KiB limit per file\)/);

    const z = await zipEntries(path.join(root, 'submission-a1.zip'));
    expect([...z.keys()]).toEqual(
      expect.arrayContaining([
        'README.md',
        'manifest.json',
        'results/report.pdf',
        'results/bench-cpus1/bench.json',
        'steps/lib/helpers.ts',
        'steps/notes.txt',
        `steps/${firstStep()}`,
      ]),
    );
    expect(z.has('steps/huge.bin')).toBe(false);
    const readme = z.get('README.md') ?? '';
    expect(readme).toContain('# Submission: Ada Lovelace (a1)');
    expect(readme).toContain('container-workshop 9.9.9 (full edition)');
    expect(readme).toContain('**The report:** `results/report.pdf` (source: `results/report.md`)');
    expect(readme).toContain('the checks passed for step(s) 1');
    expect(readme).toMatch(/\| `steps\/lib\/helpers.ts` \| a file of the student's in steps\/ \(helper or notes\) \|/);
    expect(readme).toContain('benchmark run kept as "cpus1" (raw data)');
    expect(readme).toContain('npm run step 1     # the container of steps 1..1');
    expect(readme).toContain('Left out (over the size limits): `steps/huge.bin');
  });
});
