// `npm run exec -- [--run ID] [-- CMD ARGS...]` and `npm run ps`: a process in
// a running container (docker exec, nsenter), and the list of them (docker ps).

import { runningContainers, type RunningRun } from '../../host/containers.ts';
import { KitError } from '../../core/errors.ts';
import { execInContainer } from '../exec.ts';
import { runsDir } from '../../core/paths.ts';
import { parseArgs } from './args.ts';
import type { Command } from './command-type.ts';
import { ensureLinux, ensureRoot } from './privileges.ts';

const PAGE = '/guide/exec-ps';

export const execCommand: Command = {
  usage: `usage: npm run exec -- [--run ID] [-- COMMAND ARGS...]

Joins the newest running container of the kit (or the run ID that
\`npm run ps\` lists) with setns() into each of its namespaces and its
cgroup, as \`docker exec\` and \`nsenter --all --fork\` do, and runs COMMAND
there (default: a shell). Exits with the command's exit code.

examples:
  npm run step 4 -- --solution          (in one terminal)
  npm run exec -- -- ps                 (in another: the container's processes)
  npm run exec -- --run 1a2b3c -- ip addr`,
  async run(argv) {
    const args = parseArgs(argv);
    if (args.positional.length) {
      throw new KitError(
        `Unexpected ${JSON.stringify(args.positional.join(' '))}: the command goes after \`--\`, e.g. \`npm run exec -- -- ps\`.`,
        { page: PAGE, exitCode: 2 },
      );
    }
    const wanted = args.flags.run;
    if (wanted === true)
      throw new KitError('--run needs a run id, e.g. `--run 1a2b3c` (`npm run ps` lists them).', { page: PAGE, exitCode: 2 });
    ensureLinux();
    ensureRoot();
    const run = pick(runningContainers(runsDir()), wanted);
    const argvIn = args.rest.length ? args.rest : ['/bin/sh'];
    const interactive = args.rest.length === 0 && process.stdin.isTTY === true;
    const status = await execInContainer(run, { argv: argvIn, foreground: interactive });
    if (status.signal !== null) return 128 + status.signal;
    return status.code ?? 1;
  },
};

function pick(runs: RunningRun[], wanted: string | undefined): RunningRun {
  if (runs.length === 0) {
    throw new KitError('No container of the kit is running.', {
      hint: 'Start one first, e.g. `npm run step 4` in another terminal.',
      page: PAGE,
      exitCode: 2,
    });
  }
  if (wanted === undefined) return runs[0];
  const run = runs.find((r) => r.runId === wanted);
  if (!run) {
    throw new KitError(`No running container has the run id ${JSON.stringify(wanted)}. Running: ${runs.map((r) => r.runId).join(', ')}.`, {
      hint: '`npm run ps` lists the running containers and their run ids.',
      page: PAGE,
      exitCode: 2,
    });
  }
  return run;
}

export const psCommand: Command = {
  usage: `usage: npm run ps [-- --json]

Lists the kit's running containers, newest first: the run id (for
\`npm run exec -- --run ID\`), the step, the host pid of its first process,
and the namespaces it does not share with the host (/proc/PID/ns/*).`,
  async run(argv) {
    const args = parseArgs(argv, ['json']);
    ensureLinux();
    ensureRoot();
    const runs = runningContainers(runsDir());
    if (args.flags.json) {
      process.stdout.write(
        `${JSON.stringify(
          runs.map((r) => ({
            runId: r.runId,
            step: r.container.step,
            pid: r.container.pid,
            createdAt: r.createdAt,
            namespaces: r.namespaces,
          })),
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    const rows = [
      ['RUN', 'STEP', 'PID', 'STARTED', 'NAMESPACES'],
      ...runs.map((r) => [
        r.runId,
        String(r.container.step),
        String(r.container.pid),
        r.createdAt.replace('T', ' ').slice(0, 19),
        Object.entries(r.namespaces)
          .map(([ns, id]) => `${ns}:${/\[(\d+)\]/.exec(id ?? '')?.[1] ?? id}`)
          .join(' ') || "(the host's)",
      ]),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`);
    if (runs.length === 0) process.stderr.write('no container of the kit is running\n');
    return 0;
  },
};
