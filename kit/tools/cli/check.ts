// `npm run check [N] [-- --solution] [-- --json]`: check step N (or every
// step) as built, from the host. Exit 0 only when everything passes.

import fs from 'node:fs';
import path from 'node:path';
import { runCheck } from '../check/framework.ts';
import { formatResult } from '../check/print.ts';
import { checkFiles, loadCheck } from '../check/registry.ts';
import type { CheckResult } from '../check/types.ts';
import { KitError } from '../../core/errors.ts';
import { preloadShell } from '../../core/shell.ts';
import { preloadCompiler } from '../../core/ts-import.ts';
import { stateDir, stepsDir, stepsDirFrom } from '../../core/paths.ts';
import { listStepFiles, requireStepsDir, stepFile } from '../../core/steps.ts';
import { parseArgs } from './args.ts';
import { ready } from './common.ts';
import type { Command } from './command-type.ts';

export const checkCommand: Command = {
  usage: `usage: npm run check [N] [-- [--solution] [--json] [--grading] [--steps-dir DIR] [--timeout S]]

Starts your container of steps 1..N with a probe and random inputs and
inspects the kernel from the host. Without N, checks every step.
Exit status 0 only when every assertion passes.

  --solution        check solutions/ instead of your steps/
  --steps-dir DIR   check the step files in DIR
  --json            print the results as JSON on stdout
  --classroom       emit GitHub Classroom runner results (step<N>=<base64> to
                    $GITHUB_OUTPUT, or stdout) and feedback to $GITHUB_STEP_SUMMARY
  --grading         what the grader runs: step 5 proves your commands and your
                    reading of sysbench in seconds, without the CPU-ratio benchmark
  --timeout S       give each check at most S seconds (default: the check's own, 120 for most)
  --warm            (watch mode's child) load the kit and check N first, then
                    read the step to check from stdin; an empty line: exit 0`,
  async run(argv) {
    const args = parseArgs(argv, ['solution', 'json', 'yes', 'classroom', 'grading', 'warm']);
    const dir = stepsDirFrom(args.flags);
    requireStepsDir(dir);
    if (args.flags.warm) {
      // started ahead by watch mode: load what the likely check needs (N, when given), zx and the
      // compiler of step files (the file just saved is new to the cache) before the step is known
      preloadShell();
      const likely = Number(args.positional[0]);
      const check = checkFiles().some((c) => c.step === likely) ? loadCheck(likely) : undefined;
      await Promise.allSettled([check, preloadCompiler()]); // a failure shows when it runs
      const line = (await firstLine(process.stdin)).trim();
      if (!line) return 0;
      args.positional = [line];
    }
    let ids: number[];
    if (args.positional.length) {
      const id = Number(args.positional[0]);
      stepFile(dir, id);
      if (!checkFiles().some((c) => c.step === id)) throw new KitError(`Step ${id} has no check yet.`, { exitCode: 2 });
      ids = [id];
    } else {
      const have = new Set(listStepFiles(dir).map((s) => s.id));
      ids = checkFiles()
        .map((c) => c.step)
        .filter((s) => have.has(s));
    }
    await ready({ yes: args.flags.yes === true, step: Math.max(1, ...ids) });
    const timeoutMs = typeof args.flags.timeout === 'string' ? Number(args.flags.timeout) * 1000 : undefined;
    const results: CheckResult[] = [];
    for (const id of ids) {
      const def = await loadCheck(id);
      if (!def) continue;
      const r = await runCheck(def, { stepsDir: dir, timeoutMs, grading: args.flags.grading === true });
      results.push(r);
      if (!args.flags.json) process.stderr.write(`${formatResult(r)}\n\n`);
    }
    if (args.flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    if (args.flags.classroom) (await import('../grade/classroom.ts')).emitClassroom(results);
    rememberResults(results);
    return results.every((r) => r.status === 'pass') ? 0 : 1;
  },
};

/** The first line of `input` (without its newline), or all of it if it ends before one. */
function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const done = (): void => {
      input.off('data', onData);
      input.off('end', done);
      input.pause();
      resolve(text.split('\n')[0]);
    };
    const onData = (chunk: Buffer | string): void => {
      text += String(chunk);
      if (text.includes('\n')) done();
    };
    input.on('data', onData);
    input.on('end', done);
  });
}

/** The last result of each step, for the menu, `npm run report` and `npm run submit`. */
export function rememberResults(results: CheckResult[]): void {
  const file = path.join(stateDir(), 'last-check.json');
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // first check
  }
  for (const r of results) {
    all[`${r.stepsDir}#${r.step}`] = {
      step: r.step,
      stepsDir: r.stepsDir,
      status: r.status,
      score: r.score,
      maxScore: r.maxScore,
      at: new Date().toISOString(),
      result: r,
    };
  }
  fs.mkdirSync(stateDir(), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(all, null, 2));
}
