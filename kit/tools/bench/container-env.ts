// The student's container as a benchmark environment: every sysbench run is
// one container of steps 1..5 (its namespaces, its cgroup, its loop-backed
// /home), started with the command the step's `run` hook builds. Its output
// goes to a file (the container's stdout is a plain fd, not a pipe the kit
// must drain while it waits).

import fs from 'node:fs';
import path from 'node:path';
import type { Ledger } from '../../core/ledger.ts';
import { startContainer } from '../../host/run.ts';
import type { RunOptions, StepDefinition } from '../../core/types.ts';
import { dfAvailable, fromProbe, type BenchEnvironment, type EnvRunResult } from './environment.ts';
import { watchFor } from './probe.ts';
import type { BenchStep, BenchTools } from './step.ts';

export interface ContainerEnvOptions {
  /** steps 1..5, in order */
  steps: StepDefinition[];
  bench: BenchStep;
  options: RunOptions;
  ledger: Ledger;
  /** folder for the captured output (removed in teardown) */
  scratchDir: string;
}

/** Keep what can be written to JSON: the report shows the container's facts (limits, addresses, image). */
export function jsonSafe(value: unknown, depth = 0): unknown {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value;
  if (depth > 4 || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) return value.map((v) => jsonSafe(v, depth + 1)).filter((v) => v !== undefined);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const safe = jsonSafe(v, depth + 1);
    if (safe !== undefined) out[k] = safe;
  }
  return out;
}

export function containerEnvironment(o: ContainerEnvOptions): BenchEnvironment {
  let entry: number | undefined;
  let n = 0;
  let lastFacts: Record<string, unknown> = {};
  // asked on first use, so that the step's TODOs are met in the order of its file
  let dir: string | undefined;
  const workDirOf = (): string => (dir ??= o.bench.workDir());

  const tools: BenchTools = {
    async container(argv) {
      const base = path.join(o.scratchDir, `out-${n++}`);
      const out = fs.openSync(`${base}.stdout`, 'w');
      const err = fs.openSync(`${base}.stderr`, 'w');
      const devnull = fs.openSync('/dev/null', 'r');
      let c: Awaited<ReturnType<typeof startContainer>>;
      try {
        c = await startContainer({ steps: o.steps, options: { ...o.options, argv, quiet: true }, stdio: [devnull, out, err] });
      } finally {
        fs.closeSync(out);
        fs.closeSync(err);
        fs.closeSync(devnull);
      }
      // the container's PID 1 is the command; sysbench is it (after exec) or its child
      const watch = watchFor(c.pid, 'sysbench', workDirOf());
      let status;
      try {
        status = await c.exited;
      } finally {
        watch.stop();
        lastFacts = jsonSafe(c.ctx.facts) as Record<string, unknown>;
        await c.teardown();
      }
      const read = (f: string) => {
        const text = fs.readFileSync(f, 'utf8');
        fs.rmSync(f, { force: true });
        return text;
      };
      const result: EnvRunResult = {
        stdout: read(`${base}.stdout`),
        stderr: read(`${base}.stderr`),
        exitCode: status.code ?? 128 + (status.signal ?? 0),
        ...fromProbe(await watch.result),
      };
      return result;
    },
  };

  return {
    name: 'container',
    get description() {
      return `our container: steps ${o.steps.map((s) => s.id).join(', ')} (${o.options.solution ? 'solutions/' : path.basename(o.options.stepsDir)}), one container per run, files in ${workDirOf()}`;
    },
    get workDir() {
      return workDirOf();
    },
    async setup() {
      entry = o.ledger.record({ kind: 'path', path: o.scratchDir });
      fs.mkdirSync(o.scratchDir, { recursive: true });
    },
    async run(argv, { cwd }) {
      return o.bench.run(tools, argv, cwd);
    },
    async teardown() {
      fs.rmSync(o.scratchDir, { recursive: true, force: true });
      if (entry !== undefined) o.ledger.forget(entry);
      entry = undefined;
    },
    async freeBytes() {
      // asked inside: /home is mounted in the container's mount namespace only
      const out = await o.bench.run(tools, ['df', '-k', '.'], workDirOf());
      return out.exitCode === 0 ? dfAvailable(out.stdout) : undefined;
    },
    facts() {
      return { workDir: dir, steps: o.steps.map((s) => `${s.id} ${s.name}`), container: lastFacts };
    },
  };
}
