// Temporary steps folders beside kit/ (so `../kit/...` imports resolve) and a
// temporary state folder, so that no test touches steps/ or state/.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot, solutionsDir } from '../../kit/core/paths.ts';
import { skeletonOf } from '../../kit/tools/skeleton.ts';

/** what `npm run <command>` runs: the compiled kit (compiled again first when kit/ changed) */
export { kitLauncher as MAIN } from '../../kit/core/paths.ts';
export const solution1 = (): string => fs.readFileSync(path.join(solutionsDir, '01-pid.ts'), 'utf8');
export const skeleton1 = (): string => skeletonOf(solution1());

/** Step 1's solution with every TODO done except `left`, which stays a todo() call. */
export function step1With(left: string[]): string {
  return skeletonOf(
    solution1().replace(/^([ \t]*)\/\/ @todo ([\w-]+): .*\n[\s\S]*?^[ \t]*\/\/ @end[ \t]*$/gm, (region, _indent: string, id: string) =>
      left.includes(id) ? region : region.split('\n').slice(1, -1).join('\n'),
    ),
  );
}

export interface Sandbox {
  stepsDir: string;
  stateDir: string;
  file: string;
  env: Record<string, string>;
  dispose(): void;
}

/** A steps folder holding only 01-pid.ts with `text`, and an empty state folder. */
export function sandbox(name: string, text: string): Sandbox {
  const stepsDir = fs.mkdtempSync(path.join(projectRoot, `.mutant-ux-${name}-`));
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `cw-ux-state-${name}-`));
  const file = path.join(stepsDir, '01-pid.ts');
  fs.writeFileSync(file, text);
  return {
    stepsDir,
    stateDir,
    file,
    env: { CW_STATE_DIR: stateDir, NO_COLOR: '1' },
    dispose() {
      fs.rmSync(stepsDir, { recursive: true, force: true });
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
