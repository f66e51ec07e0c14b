// Figure 3: the round trip of the step-3 reference container (steps 1-3:
// namespaces, rootfs and /home, veth pair), how much of it is network setup,
// and how long prepare takes to pick the run's subnet. Next to it, the same network setup issued four ways (one `ip -batch`
// per namespace vs one `ip` per command; end created in the namespace vs
// created then moved), on a stand-in container.

import { benchNetworkSetup, formatNetBench } from '../../host/net/bench.ts';
import { runContainer } from '../../host/run.ts';
import { solutionsDir } from '../../core/paths.ts';
import { loadStepsUpTo } from '../../core/steps.ts';
import { median, summarize, type FigureResult } from './measure.ts';

export async function figure3(runs = 100): Promise<FigureResult> {
  const steps = await loadStepsUpTo(solutionsDir, 3);
  // step 3 is slower than step 1 (loop device, veth): a fifth of the runs
  const n = Math.max(5, Math.round(runs / 5));
  const roundTrip: number[] = [];
  const netSetup: number[] = [];
  const allocate: number[] = [];
  for (let i = -1; i < n; i++) {
    const t0 = performance.now();
    const r = await runContainer({ steps, options: { argv: ['true'], solution: true, stepsDir: solutionsDir } });
    const ms = performance.now() - t0;
    if (r.status.code !== 0) throw new Error(`step-3 container exited with ${JSON.stringify(r.status)}`);
    const net = r.ctx.facts.net as { setupMs?: number; allocateMs?: number } | undefined;
    if (i < 0) continue; // warm-up
    roundTrip.push(ms);
    netSetup.push(net?.setupMs ?? NaN);
    allocate.push(net?.allocateMs ?? NaN);
  }
  const variants = await benchNetworkSetup({ iterations: Math.max(5, Math.round(runs / 10)) });
  const share = median(netSetup) / median(roundTrip);
  return summarize(
    3,
    'step-3 container round trip, and its network setup',
    [
      { name: 'kit: step-3 reference container, spawn -> exec true -> reaped', samplesMs: roundTrip },
      { name: 'network setup inside it (veth, addresses, routes)', samplesMs: netSetup },
      { name: 'subnet allocation inside it (prepare)', samplesMs: allocate },
    ],
    'network setup median < 30 ms, subnet allocation median < 5 ms',
    [`network setup is ${(share * 100).toFixed(0)} % of the round trip`, ...formatNetBench(variants)],
  );
}
