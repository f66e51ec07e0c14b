// Mutants: copies of the reference solutions with one typical student mistake
// applied, in a temporary steps folder beside kit/ (so `../kit/...` imports
// resolve). Each mutant must make its check fail.

import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runCheck, type CheckDefinition } from '../../kit/tools/check/framework.ts';
import type { CheckResult } from '../../kit/tools/check/types.ts';
import { projectRoot, solutionsDir, stepsDir } from '../../kit/core/paths.ts';

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
    // a function, so that `$` in the replacement (zx's $`...`) is taken literally
    const next = text.replace(m.find, () => m.replace);
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

/** Ids of the assertions that did not pass. */
export const failed = (r: CheckResult): string[] => r.assertions.filter((a) => a.status !== 'pass').map((a) => a.id);

/**
 * What every check test asserts of a mutant: the check fails, at least on
 * `mustFail`, and every failed assertion gives a hint and a page under `page`
 * (and, with `seen`, what it saw). Returns the result for the test's own
 * further assertions; the mutant's folder is removed in any case.
 */
export async function expectMutantFails(
  check: CheckDefinition,
  name: string,
  mutations: Mutation[],
  o: {
    mustFail: string[];
    page: RegExp;
    seen?: boolean;
    /** the step's teardown throws too: the check reports an error */ orError?: boolean;
  },
): Promise<CheckResult> {
  const m = makeMutant(name, mutations);
  try {
    const r = await runCheck(check, { stepsDir: m.dir });
    if (o.orError) expect(['fail', 'error']).toContain(r.status);
    else expect(r.status).toBe('fail');
    for (const id of o.mustFail) expect(failed(r)).toContain(id);
    for (const a of r.assertions.filter((x) => x.status === 'fail')) {
      expect(a.hint).toBeTruthy();
      expect(a.page).toMatch(o.page);
      if (o.seen) expect(a.seen).toBeTruthy();
    }
    return r;
  } finally {
    m.dispose();
  }
}

/**
 * A cheat: a step file that reaches past the student API for one of the
 * kit's reference helpers (attachHomeImage, createCgroup, ...). The loader
 * refuses the file before anything runs, so the check scores nothing and the
 * message says which import broke the rule. The folder is removed in any case.
 */
export async function expectCheatRefused(
  check: CheckDefinition,
  name: string,
  mutations: Mutation[],
  refused: RegExp,
): Promise<CheckResult> {
  const m = makeMutant(name, mutations);
  try {
    const r = await runCheck(check, { stepsDir: m.dir });
    // (a check that reports a container that cannot start as its first assertion says 'fail')
    expect(['error', 'fail']).toContain(r.status);
    expect(r.score).toBe(0);
    const said = `${r.assertions[0].message ?? ''} ${r.assertions[0].seen ?? ''}`;
    expect(said).toMatch(/may import only \.\.\/kit\/student\.ts/);
    expect(said).toMatch(refused);
    return r;
  } finally {
    m.dispose();
  }
}
