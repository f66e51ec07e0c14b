// solutions/ is the single source; steps/ is generated from it. A region
//     // @todo <id>: <what to do>
//     ...solution code...
//     // @end
// becomes `todo('<id>', '<what to do>');` at the same indentation.

import fs from 'node:fs';
import path from 'node:path';
import { listStepFiles } from '../core/steps.ts';

const START = /^(\s*)\/\/ @todo ([\w-]+): (.*)$/;
const END = /^\s*\/\/ @end\s*$/;

export interface TodoRegion {
  id: string;
  task: string;
  /** 1-based line of the `// @todo` marker in the solution */
  line: number;
}

export function todoRegions(solution: string): TodoRegion[] {
  return solution.split('\n').flatMap((l, i) => {
    const m = START.exec(l);
    return m ? [{ id: m[2], task: m[3], line: i + 1 }] : [];
  });
}

export function skeletonOf(solution: string, file = 'solution'): string {
  const out: string[] = [];
  let open: RegExpExecArray | null = null;
  solution.split('\n').forEach((line, i) => {
    const start = START.exec(line);
    if (start) {
      if (open) throw new Error(`${file}:${i + 1}: @todo inside @todo ${open[2]}`);
      open = start;
      out.push(`${start[1]}todo(${JSON.stringify(start[2])}, ${JSON.stringify(start[3])});`);
      return;
    }
    if (END.test(line)) {
      if (!open) throw new Error(`${file}:${i + 1}: @end without @todo`);
      open = null;
      return;
    }
    if (!open) out.push(line);
  });
  if (open) throw new Error(`${file}: @todo ${(open as RegExpExecArray)[2]} has no @end`);
  return out.join('\n');
}

/** Generated skeletons for every solution file: { 'NN-name.ts': text }. */
export function generateSkeletons(solutionsDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of listStepFiles(solutionsDir)) {
    out.set(path.basename(f.file), skeletonOf(fs.readFileSync(f.file, 'utf8'), f.file));
  }
  return out;
}
