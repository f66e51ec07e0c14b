// Figure 1: the round trip of the step-1 reference container (clone ->
// exec `true` -> reaped) inside one Node process, next to util-linux's
// `unshare` doing the same namespaces from the same process.

import { spawn } from 'node:child_process';
import { runContainer } from '../../host/run.ts';
import { solutionsDir } from '../../core/paths.ts';
import { loadStepsUpTo } from '../../core/steps.ts';
import { interleave, summarize, type FigureResult } from './measure.ts';

export async function figure1(runs = 100): Promise<FigureResult> {
  const steps = await loadStepsUpTo(solutionsDir, 1);
  const kit = async () => {
    const r = await runContainer({ steps, options: { argv: ['true'], solution: true, stepsDir: solutionsDir } });
    if (r.status.code !== 0) throw new Error(`kit container exited with ${JSON.stringify(r.status)}`);
  };
  const unshare = () =>
    new Promise<void>((resolve, reject) => {
      const p = spawn('unshare', ['--fork', '--pid', '--uts', '--ipc', '--mount', '--mount-proc', 'true'], { stdio: 'ignore' });
      p.on('error', reject);
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`unshare exited with ${code}`))));
    });
  const series = await interleave(runs, [
    { name: 'kit: step-1 reference container, spawn -> exec true -> reaped', once: kit },
    { name: 'unshare --fork --pid --uts --ipc --mount --mount-proc true', once: unshare },
  ]);
  return summarize(1, 'step-1 container round trip', series, 'ratio <= 1.0');
}
