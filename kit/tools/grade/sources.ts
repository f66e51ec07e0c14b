// Turning the command line's paths into submissions: a .zip file, a folder
// that is one submission (it has steps/), or a folder of submissions (zips and
// folders, one per student). Keys come from the file names, made safe for
// report file names and unique.

import fs from 'node:fs';
import path from 'node:path';
import { KitError } from '../../core/errors.ts';
import type { SubmissionSource } from './types.ts';

const PAGE = '/guide/instructor-grading#grading-a-class';

/** A folder is one submission when steps/ or manifest.json sit right in it; otherwise it holds submissions. */
function looksLikeSubmission(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'steps')) || fs.existsSync(path.join(dir, 'manifest.json'));
}

export function safeKey(name: string): string {
  const k = name
    .replace(/\.zip$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 64);
  return k || 'submission';
}

export function expandSources(args: string[]): SubmissionSource[] {
  if (args.length === 0) {
    throw new KitError('Which submissions? Give zip files, submission folders, or a folder that holds them.', {
      hint: 'npm run grade -- submissions/ --out grades/',
      page: PAGE,
      exitCode: 2,
    });
  }
  const found: { path: string; kind: 'zip' | 'folder' }[] = [];
  for (const arg of args) {
    const abs = path.resolve(arg);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      throw new KitError(`No such file or folder: ${arg}`, { hint: 'Check the path of the submissions.', page: PAGE, exitCode: 2 });
    }
    if (st.isFile()) found.push({ path: abs, kind: 'zip' });
    else if (looksLikeSubmission(abs)) found.push({ path: abs, kind: 'folder' });
    else {
      for (const d of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (d.name.startsWith('.')) continue;
        const p = path.join(abs, d.name);
        if (d.isFile() && d.name.toLowerCase().endsWith('.zip')) found.push({ path: p, kind: 'zip' });
        else if (d.isDirectory()) found.push({ path: p, kind: 'folder' });
      }
    }
  }
  if (found.length === 0)
    throw new KitError(`No submissions found in ${args.join(', ')}.`, {
      hint: 'Submissions are .zip files from `npm run submit`, or folders with a steps/ folder.',
      page: PAGE,
      exitCode: 2,
    });
  const used = new Set<string>();
  return found.map((f) => {
    const base = safeKey(path.basename(f.path));
    let key = base;
    for (let i = 2; used.has(key); i++) key = `${base}-${i}`;
    used.add(key);
    return { key, path: f.path, kind: f.kind };
  });
}

/** "1-4", "1,2,4", "2" -> sorted step numbers. */
export function parseSteps(text: string): number[] | undefined {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) return undefined;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b - a > 50) return undefined;
    for (let i = a; i <= b; i++) out.add(i);
  }
  return [...out].sort((x, y) => x - y);
}
