// The reference environment: sysbench as a plain process of the host, its
// files in a folder of the kit's state directory (the host's own filesystem).

import fs from 'node:fs';
import path from 'node:path';
import { $ } from '../../core/shell.ts';
import type { Ledger } from '../../core/ledger.ts';
import { fromProbe, statfsFree, type BenchEnvironment, type EnvRunResult } from './environment.ts';
import { watchFor } from './probe.ts';

export function hostEnvironment(opts: { ledger: Ledger; stateDir: string; runId: string }): BenchEnvironment {
  const workDir = path.join(opts.stateDir, 'bench', `host-${opts.runId}`);
  let entry: number | undefined;
  return {
    name: 'host',
    description: "the host: sysbench as an ordinary process, files on the host's filesystem",
    workDir,
    async setup() {
      entry = opts.ledger.record({ kind: 'path', path: workDir });
      fs.mkdirSync(workDir, { recursive: true });
    },
    async run(argv, { cwd }): Promise<EnvRunResult> {
      const p = $({ quiet: true, nothrow: true, cwd })`${argv}`;
      const watch = watchFor(() => p.pid, 'sysbench', cwd);
      const out = await p;
      watch.stop();
      return { stdout: out.stdout, stderr: out.stderr, exitCode: out.exitCode ?? 1, ...fromProbe(await watch.result) };
    },
    async teardown() {
      fs.rmSync(workDir, { recursive: true, force: true });
      if (entry !== undefined) opts.ledger.forget(entry);
      entry = undefined;
    },
    facts() {
      return { workDir };
    },
    async freeBytes() {
      return statfsFree(workDir);
    },
  };
}
