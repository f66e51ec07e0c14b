// `npm run perf`: the kit's own benchmarks, each figure next to its peer in
// the same run; prints medians and ratios and writes results/perf.json.

import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../core/paths.ts';
import { figure0 } from '../perf/figure0.ts';
import { figure1 } from '../perf/figure1.ts';
import { figure2 } from '../perf/fig2-mount.ts';
import { figure3 } from '../perf/figure3.ts';
import { formatFigure, type FigureResult } from '../perf/measure.ts';
import { parseArgs } from './args.ts';
import { ready } from './common.ts';
import type { Command } from './command-type.ts';
import { say } from './output.ts';

/** Figures by number; later steps add theirs here. */
export const figures: Record<number, (runs: number) => Promise<FigureResult>> = {
  0: figure0,
  1: figure1,
  2: figure2,
  3: figure3,
};

export const perfCommand: Command = {
  usage: `usage: npm run perf [-- [--runs N] [--figure F]]

Measures the kit against its peers in one run, interleaved:
  figure 0: whole commands (npm run step 1, the kit's start, npm run check 1,
            watch's verdict after a save) vs node -e 0, node --import tsx -e 0
            and npm's own cost; goals: step 1 <= 0.45 s, kit start <= node -e 0
            + 0.2 s, check 1 <= 0.6 s, watch verdict <= 0.5 s
  figure 1: step-1 container round trip vs \`unshare --fork --pid ...\`
  figure 2: step-2 container round trip (image made) vs \`runc run\` of the same bundle
  figure 3: step-3 container round trip and its network setup (ip -batch vs one ip per command)
Prints medians, p10/p90 and ratios; writes results/perf.json.

  --runs N     repetitions per series (default 100)
  --figure F   only figure F`,
  async run(argv) {
    const args = parseArgs(argv);
    await ready({});
    const runs = typeof args.flags.runs === 'string' ? Number(args.flags.runs) : 100;
    const only = typeof args.flags.figure === 'string' ? [Number(args.flags.figure)] : Object.keys(figures).map(Number);
    const results: FigureResult[] = [];
    for (const n of only) {
      const fig = figures[n];
      if (!fig) continue;
      say(`figure ${n}: ${runs} runs ...`);
      const r = await fig(runs);
      results.push(r);
      process.stdout.write(`${formatFigure(r)}\n\n`);
    }
    const out = path.join(projectRoot, 'results', 'perf.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
    return 0;
  },
};
