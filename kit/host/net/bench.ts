// How long step 3's network setup takes, for `npm run perf`: the same commands
// run as one `ip -batch` per namespace (the kit's default) and as one `ip`
// process per command (what a shell script would do), on a stand-in container.

import crypto from 'node:crypto';
import { Ledger } from '../../core/ledger.ts';
import { runsDir, stateDir } from '../../core/paths.ts';
import type { RunContext } from '../../core/types.ts';
import { spawnNetnsHolder } from './holder.ts';
import type { IpMode } from './ip.ts';
import { reclaimers } from './reclaim.ts';
import { setupCommands } from './commands.ts';
import { allocateNetwork, connectNetwork, disconnectNetwork } from './setup.ts';

/** A way of running the same setup: how the ip commands are issued, and whether the peer is moved after creation. */
export interface NetVariant {
  label: string;
  mode: IpMode;
  separateMove: boolean;
}

export const NET_VARIANTS: NetVariant[] = [
  { label: 'batch, peer created in netns', mode: 'batch', separateMove: false },
  { label: 'batch, add then move', mode: 'batch', separateMove: true },
  { label: 'one ip per command, peer created in netns', mode: 'each', separateMove: false },
  { label: 'one ip per command, add then move', mode: 'each', separateMove: true },
];

export interface Summary {
  median: number;
  p90: number;
  min: number;
  max: number;
}

export interface NetBenchResult {
  iterations: number;
  /** network setup (the setup hook's work), per variant label */
  setup: Record<string, Summary & { processes: number }>;
  /** choosing names and a free subnet (prepare; reads the host's routes) */
  allocate: Summary;
  teardown: Summary;
}

export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  const round = (x: number) => Math.round(x * 100) / 100;
  return { median: round(at(0.5)), p90: round(at(0.9)), min: round(s[0]), max: round(s[s.length - 1]) };
}

function benchContext(mode: IpMode): RunContext {
  const runId = crypto.randomBytes(3).toString('hex');
  return {
    runId,
    options: { argv: [], solution: true, stepsDir: '', ipMode: mode },
    stateDir: stateDir(),
    ledger: new Ledger(runsDir(), runId),
    facts: {},
  };
}

export async function benchNetworkSetup(opts: { iterations?: number; variants?: NetVariant[] } = {}): Promise<NetBenchResult> {
  const iterations = opts.iterations ?? 20;
  const variants = opts.variants ?? NET_VARIANTS;
  const setup: Record<string, number[]> = {};
  const processes: Record<string, number> = {};
  const allocate: number[] = [];
  const teardown: number[] = [];
  // one warm-up round (page cache, first netlink and ip calls), then interleave the modes
  for (let i = -1; i < iterations; i++) {
    for (const v of variants) {
      const ctx = benchContext(v.mode);
      try {
        const holder = await spawnNetnsHolder(ctx.ledger);
        let connected = false;
        try {
          const net = await allocateNetwork(ctx);
          await connectNetwork(ctx, holder.pid, setupCommands(net, holder.pid, { separateMove: v.separateMove }));
          connected = true;
          if (i >= 0) {
            (setup[v.label] ??= []).push(net.setupMs ?? NaN);
            processes[v.label] = net.ipProcesses ?? 0;
            allocate.push(net.allocateMs);
          }
        } finally {
          await holder.kill();
          // also after a failed setup: it releases the subnet's lease, which
          // the net reclaimers below do not know (a 'path' entry)
          const t0 = performance.now();
          await disconnectNetwork(ctx);
          if (connected && i >= 0) teardown.push(performance.now() - t0);
        }
      } finally {
        await ctx.ledger.teardown(reclaimers);
      }
    }
  }
  const result: NetBenchResult = { iterations, setup: {}, allocate: summarize(allocate), teardown: summarize(teardown) };
  for (const v of variants) result.setup[v.label] = { ...summarize(setup[v.label] ?? []), processes: processes[v.label] ?? 0 };
  return result;
}

/** Lines for the perf report. */
export function formatNetBench(r: NetBenchResult): string[] {
  const line = (label: string, s: Summary) =>
    `${label.padEnd(46)} median ${s.median.toFixed(1)} ms  p90 ${s.p90.toFixed(1)} ms  (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})`;
  return [
    `network setup, ${r.iterations} runs each (goal: median < 30 ms)`,
    ...Object.entries(r.setup).map(([label, s]) => line(`  ${label} (${s.processes} ip)`, s)),
    line('  allocate subnet (prepare)', r.allocate),
    line('  teardown', r.teardown),
  ];
}
