// Safe unpacking: malicious archives and folders made by the tests are graded
// failures with a reason, never a crash and never a file outside the workspace.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UnpackLimits } from '../../kit/tools/grade/types.ts';
import { DEFAULT_LIMITS } from '../../kit/tools/grade/unpack.ts';
import { parseSize } from '../../kit/core/size.ts';
import { readSubmission, writeSubmission } from '../../kit/tools/grade/unpack.ts';
import { unsafeReason } from '../../kit/tools/grade/entry-path.ts';
import type { SubmissionSource } from '../../kit/tools/grade/types.ts';
import { claimSize, makeZip, renameEntry, STEP1, writeTemp } from './grade-zips.ts';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-grade-unpack-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const zipSource = (file: string): SubmissionSource => ({ key: 'alice', path: file, kind: 'zip' });
const folderSource = (dir: string): SubmissionSource => ({ key: 'bob', path: dir, kind: 'folder' });

async function readZip(buf: Buffer, limits: UnpackLimits = DEFAULT_LIMITS) {
  return readSubmission(zipSource(writeTemp(tmp, 'sub.zip', buf)), limits);
}

/** Nothing may appear next to the temporary folder (an escaped file would). */
function siblingsOf(dir: string): string[] {
  return fs.readdirSync(path.dirname(dir)).filter((n) => n.startsWith('evil') || n === 'pwned.ts');
}

describe('entry names', () => {
  it.each([
    ['../evil.ts', /climbs out/],
    ['steps/../../evil.ts', /climbs out/],
    ['/etc/cron.d/evil', /absolute/],
    ['C:/Windows/evil.ts', /drive letter/],
    ['c:evil.ts', /drive letter/],
    ['steps\\..\\evil.ts', /backslash/],
    ['steps/01-pid.ts\0.txt', /NUL/],
  ])('%s is unsafe', (name, why) => {
    expect(unsafeReason(name)).toMatch(why);
  });

  it.each(['steps/01-pid.ts', 'a/b/steps/02-mount.ts', 'manifest.json', 'results/..hidden', 'x..y/z'])('%s is fine', (name) => {
    expect(unsafeReason(name)).toBeUndefined();
  });
});

describe('zip submissions', () => {
  it('takes only the step files and the manifest', async () => {
    const buf = await makeZip([
      { name: 'steps/01-pid.ts', data: STEP1 },
      { name: 'steps/notes.txt', data: 'x' },
      { name: 'kit/core/todo.ts', data: 'export const evil = 1;' },
      { name: 'checks/01-pid.ts', data: 'export default 1;' },
      { name: 'results/bench.json', data: '{}' },
      { name: 'manifest.json', data: JSON.stringify({ student: { name: 'Alice', id: 'a1' } }) },
    ]);
    const r = await readZip(buf);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.raw.steps.map((s) => s.file)).toEqual(['01-pid.ts']);
    const dest = path.join(tmp, 'ws', 'steps');
    const w = writeSubmission(r.raw, dest);
    expect(fs.readdirSync(dest)).toEqual(['01-pid.ts']);
    expect(w.manifest?.studentName).toBe('Alice');
    expect(fs.readFileSync(path.join(dest, '01-pid.ts'), 'utf8')).toBe(STEP1);
  });

  it('accepts a wrapper folder (a repository downloaded as zip)', async () => {
    const r = await readZip(
      await makeZip([
        { name: 'container-workshop-main/steps/02-mount.ts', data: 'x' },
        { name: 'container-workshop-main/steps/01-pid.ts', data: 'y' },
      ]),
    );
    expect(r.ok && r.raw.steps.map((s) => s.step)).toEqual([1, 2]);
  });

  it.each([
    ['AAAAA/01-pid.ts', '../../01-pid.ts', /climbs out/],
    ['steps/AAAAAAA.ts', 'steps/../../a.ts', /climbs out/],
    ['AAAAAAAAAAAAAAAA', '/tmp/evil-abs.ts', /absolute/],
    ['AAsteps/01-pid.ts', 'C:steps/01-pid.ts', /drive letter/],
    ['stepsA..A01-pid.ts', 'steps\\..\\01-pid.ts', /backslash/],
  ])('rejects a zip-slip entry %s -> %s', async (placeholder, evil, why) => {
    const buf = renameEntry(
      await makeZip([
        { name: 'steps/01-pid.ts', data: STEP1 },
        { name: placeholder, data: 'pwned' },
      ]),
      placeholder,
      evil,
    );
    const r = await readZip(buf);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(why);
    expect(siblingsOf(tmp)).toEqual([]);
  });

  it('rejects a symbolic link entry, even one that is not a step file', async () => {
    const buf = await makeZip([
      { name: 'steps/01-pid.ts', data: STEP1 },
      { name: 'results/passwd', data: '/etc/passwd', mode: 0o120777 },
    ]);
    const r = await readZip(buf);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/symbolic link/);
  });

  it('rejects a step file that is a symbolic link', async () => {
    const r = await readZip(await makeZip([{ name: 'steps/01-pid.ts', data: '/etc/shadow', mode: 0o120777 }]));
    expect(!r.ok && r.reason).toMatch(/symbolic link/);
  });

  it('rejects special files (a device node entry)', async () => {
    const r = await readZip(
      await makeZip([
        { name: 'steps/01-pid.ts', data: STEP1 },
        { name: 'dev/sda', data: '', mode: 0o060660 },
      ]),
    );
    expect(!r.ok && r.reason).toMatch(/special file/);
  });

  it('stops a zip bomb whose header admits its size', async () => {
    const bomb = Buffer.alloc(8 * 1024 * 1024); // compresses to a few KiB
    const r = await readZip(await makeZip([{ name: 'steps/01-pid.ts', data: bomb }]));
    expect(!r.ok && r.reason).toMatch(/larger than 512 KiB once uncompressed/);
  });

  it('stops a zip bomb whose header lies, by counting the bytes that arrive', async () => {
    const bomb = Buffer.alloc(32 * 1024 * 1024);
    const buf = claimSize(await makeZip([{ name: 'steps/01-pid.ts', data: bomb }]), 'steps/01-pid.ts', 100);
    const before = process.memoryUsage().rss;
    const r = await readZip(buf);
    expect(r.ok).toBe(false);
    // never inflated the 32 MiB: at most a few chunks past the claim
    expect(process.memoryUsage().rss - before).toBeLessThan(24 * 1024 * 1024);
  });

  it('counts actual bytes even when the header lies within the limits', async () => {
    const data = Buffer.alloc(3000, 'a');
    const buf = claimSize(await makeZip([{ name: 'steps/01-pid.ts', data }]), 'steps/01-pid.ts', 100);
    const r = await readZip(buf, { ...DEFAULT_LIMITS, maxFileBytes: 1000 });
    expect(r.ok).toBe(false);
  });

  it('limits the total of all step files', async () => {
    const data = Buffer.alloc(300 * 1024, 'x');
    const items = [1, 2, 3, 4, 5].map((n) => ({ name: `steps/0${n}-s.ts`, data }));
    const r = await readZip(await makeZip(items), { ...DEFAULT_LIMITS, maxTotalBytes: 1024 * 1024 });
    expect(!r.ok && r.reason).toMatch(/add up to more than 1 MiB/);
  });

  it('limits the number of entries and the archive size', async () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ name: `results/f${i}.txt`, data: 'x' }));
    const buf = await makeZip([{ name: 'steps/01-pid.ts', data: STEP1 }, ...many]);
    expect(await readZip(buf, { ...DEFAULT_LIMITS, maxEntries: 20 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/51 entries/),
    });
    expect(await readZip(buf, { ...DEFAULT_LIMITS, maxArchiveBytes: 100 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/more than the limit/),
    });
  });

  it('rejects two files for one step and two steps/ folders at one level', async () => {
    expect(await readZip(await makeZip([{ name: 'steps/01-pid.ts' }, { name: 'steps/01-other.ts' }]))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/two files for step 1/),
    });
    expect(await readZip(await makeZip([{ name: 'a/steps/01-pid.ts' }, { name: 'b/steps/01-pid.ts' }]))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/two steps\/ folders/),
    });
  });

  it('is a graded failure for garbage, an empty zip and a truncated zip', async () => {
    expect((await readZip(Buffer.from('this is not a zip'))).ok).toBe(false);
    expect(await readZip(await makeZip([]))).toMatchObject({ ok: false, reason: expect.stringMatching(/no step files/) });
    const good = await makeZip([{ name: 'steps/01-pid.ts', data: STEP1.repeat(50) }]);
    expect((await readZip(good.subarray(0, good.length - 30))).ok).toBe(false);
    const corrupt = Buffer.from(good);
    corrupt.fill(0x41, 40, 80); // damage the deflated data
    expect((await readZip(corrupt)).ok).toBe(false);
  });

  it('notes a manifest whose hashes do not match the files', async () => {
    const manifest = { student: { name: 'A', id: '1' }, files: [{ path: 'steps/01-pid.ts', sha256: '0'.repeat(64) }] };
    const r = await readZip(
      await makeZip([
        { name: 'steps/01-pid.ts', data: STEP1 },
        { name: 'manifest.json', data: JSON.stringify(manifest) },
      ]),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(writeSubmission(r.raw, path.join(tmp, 's')).notes.join()).toMatch(/differs from the hash/);
  });
});

describe('folder submissions', () => {
  let made = 0;
  function folder(files: Record<string, string>): string {
    const root = path.join(tmp, `sub${++made}`);
    for (const [rel, data] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), data);
    }
    return root;
  }

  it('takes the step files of <root>/steps', async () => {
    const root = folder({ 'steps/01-pid.ts': STEP1, 'steps/02-mount.ts': 'x', 'kit/core/ops.ts': 'evil', 'manifest.json': '{}' });
    const r = await readSubmission(folderSource(root));
    expect(r.ok && r.raw.steps.map((s) => s.file)).toEqual(['01-pid.ts', '02-mount.ts']);
    expect(r.ok && r.raw.manifest?.toString()).toBe('{}');
  });

  it('rejects a step file that links out of the folder', async () => {
    const root = folder({ 'steps/02-mount.ts': 'x' });
    fs.symlinkSync('/etc/passwd', path.join(root, 'steps/01-pid.ts'));
    expect(await readSubmission(folderSource(root))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/pointing out of the submission/),
    });
  });

  it('rejects a steps folder that links out', async () => {
    const outside = path.join(tmp, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, '01-pid.ts'), STEP1);
    const root = path.join(tmp, 'sub');
    fs.mkdirSync(root);
    fs.symlinkSync(outside, path.join(root, 'steps'));
    expect(await readSubmission(folderSource(root))).toMatchObject({ ok: false, reason: expect.stringMatching(/pointing out/) });
  });

  it('accepts a link that stays inside the submission', async () => {
    const root = folder({ 'work/pid.ts': STEP1, 'steps/.keep': '' });
    fs.symlinkSync('../work/pid.ts', path.join(root, 'steps/01-pid.ts'));
    const r = await readSubmission(folderSource(root));
    expect(r.ok && r.raw.steps[0].data.toString()).toBe(STEP1);
  });

  it('rejects a dangling link, a too-big file and a FIFO without hanging', async () => {
    const root = folder({ 'steps/02-x.ts': 'x' });
    fs.symlinkSync('/nonexistent/x', path.join(root, 'steps/01-pid.ts'));
    expect((await readSubmission(folderSource(root))).ok).toBe(false);

    const big = folder({ 'steps/03-big.ts': 'x'.repeat(2000) });
    expect(await readSubmission(folderSource(big), { ...DEFAULT_LIMITS, maxFileBytes: 1000 })).toMatchObject({ ok: false });

    execFileSync('mkfifo', [path.join(big, 'steps/01-pid.ts')]);
    expect(await readSubmission(folderSource(big))).toMatchObject({ ok: false, reason: expect.stringMatching(/not a regular file/) });
  });

  it('a missing folder is a graded failure', async () => {
    expect(await readSubmission(folderSource(path.join(tmp, 'nope')))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/cannot read/),
    });
  });
});

describe('limits', () => {
  it("parses sizes (with the kit's one size parser)", () => {
    expect(parseSize('512K')).toBe(524288);
    expect(parseSize('4MiB')).toBe(4 * 1024 * 1024);
    expect(parseSize('100')).toBe(100);
    expect(() => parseSize('lots')).toThrow(/not a size/);
  });
});
