// Mutants: copies of the reference solutions with one typical student mistake
// applied, in a temporary steps folder beside kit/ (so `../kit/...` imports
// resolve). Each mutant must make its check fail.

import fs from 'node:fs';
import path from 'node:path';
import { projectRoot, solutionsDir, stepsDir } from '../../kit/paths.ts';

export interface Mutation {
  /** file name in solutions/, e.g. '01-pid.ts' */
  file: string;
  /** exact text to replace (must occur in the file) */
  find: string | RegExp;
  replace: string;
}

/** A steps folder holding solutions/ with the mutations applied. Remove it with `dispose()`. */
export function makeMutant(name: string, mutations: Mutation[]): { dir: string; dispose: () => void } {
  const dir = fs.mkdtempSync(path.join(projectRoot, `.mutant-${name}-`));
  for (const f of fs.readdirSync(solutionsDir)) fs.copyFileSync(path.join(solutionsDir, f), path.join(dir, f));
  for (const m of mutations) {
    const file = path.join(dir, m.file);
    const text = fs.readFileSync(file, 'utf8');
    const next = text.replace(m.find, m.replace);
    if (next === text) throw new Error(`mutant ${name}: ${String(m.find)} not found in ${m.file}`);
    fs.writeFileSync(file, next);
  }
  return { dir, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A steps folder with the pristine skeleton of steps/ up to step `upTo` and solutions before it. */
export function skeletonAt(upTo: number): { dir: string; dispose: () => void } {
  const dir = fs.mkdtempSync(path.join(projectRoot, `.mutant-skeleton${upTo}-`));
  for (const f of fs.readdirSync(solutionsDir)) {
    const n = Number(f.slice(0, 2));
    const src = n === upTo ? path.join(stepsDir, f) : path.join(solutionsDir, f);
    if (fs.existsSync(src)) fs.copyFileSync(src, path.join(dir, f));
  }
  return { dir, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
