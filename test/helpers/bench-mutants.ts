// Step 5's "sysbench on the host" mutant, shared by check 5's tests in both of
// its modes: the student's runner calls the student API's $ right here,
// instead of running the command in the container.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeMutant } from './mutants.ts';

/** The reference's line that runs a sysbench command in the container. */
const IN_CONTAINER = `return tools.container(['/bin/sh', '-c', 'mkdir -p "$1" && cd "$1" && shift && exec "$@"', 'sh', cwd, ...argv]);`;

/** A steps folder whose step 5 runs sysbench on the host, in a folder of its own. Remove both with `dispose()`. */
export function sysbenchOnHost(name: string): { dir: string; dispose: () => void } {
  const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), `cw-mutant-${name}-`));
  const onHost = `const p = await $({ quiet: true, nothrow: true, cwd: ${JSON.stringify(hostDir)} })\`\${argv}\`; void tools; void cwd; return { stdout: p.stdout, stderr: p.stderr, exitCode: p.exitCode ?? 1 };`;
  const m = makeMutant(name, [
    { file: '05-bench.ts', find: IN_CONTAINER, replace: onHost },
    // zx's $ as the student API hands it out (a step may import nothing else)
    { file: '05-bench.ts', find: 'import { todo,', replace: 'import { $, todo,' },
  ]);
  return {
    dir: m.dir,
    dispose: () => {
      m.dispose();
      fs.rmSync(hostDir, { recursive: true, force: true });
    },
  };
}
