// The `bench` command: its usage, and the run in ./command.ts. The registry
// (kit/tools/cli/commands.ts) loads this module only when the command runs.

import type { Command } from '../cli/command-type.ts';
import { benchCommand } from './command.ts';

export const BENCH_USAGE = `usage: npm run bench [-- [--quick] [--label NAME] [--solution] [--no-lxc] [--no-container] [--only ID,ID] [--OPTION VALUE ...]]

Step 5: runs sysbench (cpu, fileio read and write through the page cache and
with O_DIRECT, memory, threads) on the host, in your container (steps 1 to 5,
one container per run) and in a throwaway LXC container, interleaved; writes
results/bench.json, bench.md and bench.svg. Then: npm run report.

  --quick           short runs, 3 repetitions: about a minute (the full run: several minutes)
  --solution        benchmark the reference container (solutions/) instead of steps/
  --steps-dir DIR   use the step files in DIR
  --no-lxc          leave LXC out
  --no-container    host (and LXC) only
  --only IDS        only these variants, e.g. cpu,memory,fileio-read/rndrd-direct
  --label NAME      keep this run next to the others, in results/bench-NAME/
                    (e.g. --label cpus1 with --cpus 1); the report shows every kept run
  --yes             install missing Debian packages without asking
  other --name value pairs are the container's step options (steps 1..5;
                    \`npm run step 5 -- --help\` lists them): --home-size 512M for
                    bigger fileio files, --cpus 1 to lift step 4's CPU quota`;

export const benchCli: Command = {
  usage: BENCH_USAGE,
  run: benchCommand,
};
