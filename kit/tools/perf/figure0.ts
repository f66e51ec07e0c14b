// Figure 0: whole-command latency, what a student waits for: `npm run step 1`,
// the same through node directly (the kit's own start), `npm run check 1`,
// and watch mode's verdict after a save, next to `node -e 0`, `node --import
// tsx -e 0` (what every command cost when the kit ran through tsx) and
// `npm run` of a script that runs `node -e 0` (npm's own cost, the floor of
// any `npm run`), in the same run, interleaved. Goals: issue 17.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { kitLauncher, projectRoot, solutionsDir } from '../../core/paths.ts';
import { interleave, median, summarize, type FigureResult } from './measure.ts';

/** The npm script that runs `node -e 0`: npm's own overhead (package.json). */
export const NPM_FLOOR_SCRIPT = 'perf:npm-floor';

/** Run a whole process to its end, output discarded; a failure is a broken figure. */
function whole(argv: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: projectRoot, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`\`${argv.join(' ')}\` exited with ${code}`))));
  });
}

const node = process.execPath;

export async function figure0(runs = 100): Promise<FigureResult> {
  // whole processes take a second or so each: a tenth of the runs, at least 7
  const n = Math.max(7, Math.round(runs / 10));
  const peers = [
    { name: 'npm run step 1 -- --solution -- true', argv: ['npm', 'run', '-s', 'step', '1', '--', '--solution', '--', 'true'] },
    { name: 'node -e 0', argv: [node, '-e', '0'] },
    {
      name: "node bin/kit.mjs step 1 --solution -- true (the kit's own start)",
      argv: [node, kitLauncher, 'step', '1', '--solution', '--', 'true'],
    },
    { name: 'node --import tsx -e 0', argv: [node, '--import', 'tsx', '-e', '0'] },
    { name: `npm run ${NPM_FLOOR_SCRIPT} (npm run of \`node -e 0\`: npm's floor)`, argv: ['npm', 'run', '-s', NPM_FLOOR_SCRIPT] },
    { name: 'npm run check 1 -- --solution', argv: ['npm', 'run', '-s', 'check', '1', '--', '--solution'] },
  ];
  const series = await interleave(
    n,
    peers.map((p) => ({ name: p.name, once: () => whole(p.argv) })),
    1,
  );
  series.push({ name: 'npm run watch 1: a save of 01-pid.ts -> the verdict', samplesMs: await watchVerdicts(n) });

  const m = (i: number): number => median(series[i].samplesMs);
  const [npmStep, nodeE0, kitStep, tsxE0, npmFloor, check1, watch] = series.map((_, i) => m(i));
  const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  return summarize(0, 'whole-command latency (what a student waits for), next to node -e 0', series, 'npm run step 1 <= 450 ms', [
    `npm run step 1: ${npmStep.toFixed(0)} ms (goal <= 450 ms: ${verdict(npmStep <= 450)}); npm's own part: npm run of node -e 0 takes ${npmFloor.toFixed(0)} ms, ${(npmFloor - nodeE0).toFixed(0)} ms more than node -e 0`,
    `the kit's start: node bin/kit.mjs step 1 = node -e 0 + ${(kitStep - nodeE0).toFixed(0)} ms (goal <= +200 ms: ${verdict(kitStep - nodeE0 <= 200)}); node --import tsx -e 0 alone = node -e 0 + ${(tsxE0 - nodeE0).toFixed(0)} ms`,
    `npm run check 1: ${check1.toFixed(0)} ms (goal <= 600 ms: ${verdict(check1 <= 600)})`,
    `watch, save -> verdict for step 1: ${watch.toFixed(0)} ms (goal <= 500 ms: ${verdict(watch <= 500)})`,
    `ratios to node -e 0: npm run step 1 ${(npmStep / nodeE0).toFixed(2)}, kit start ${(kitStep / nodeE0).toFixed(2)}, npm run check 1 ${(check1 / nodeE0).toFixed(2)}, node --import tsx ${(tsxE0 / nodeE0).toFixed(2)}`,
  ]);
}

/**
 * Watch mode as a student runs it (`node bin/kit.mjs watch 1 --json`) on a
 * steps folder of its own beside kit/ (so that `../kit/student.ts` resolves),
 * holding the reference step 1: each sample is the time from a save of
 * 01-pid.ts to the verdict's JSON line on stdout.
 */
async function watchVerdicts(n: number): Promise<number[]> {
  const dir = fs.mkdtempSync(path.join(projectRoot, '.mutant-perf-watch-'));
  const file = path.join(dir, '01-pid.ts');
  const source = fs.readFileSync(path.join(solutionsDir, '01-pid.ts'), 'utf8');
  fs.writeFileSync(file, source);
  let child: ChildProcess | undefined;
  try {
    child = spawn(node, [kitLauncher, 'watch', '1', '--json', '--steps-dir', dir], {
      cwd: projectRoot,
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    const lines: string[] = [];
    let waiting: (() => void) | undefined;
    let partial = '';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      partial += s;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l.trim()));
      waiting?.();
    });
    const verdict = async (count: number): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (lines.length < count) {
        if (Date.now() > deadline || child?.exitCode !== null)
          throw new Error(`watch mode gave no verdict (${lines.length} of ${count}); is step 1 checkable here?`);
        await new Promise<void>((r) => {
          waiting = r;
          setTimeout(r, 200);
        });
      }
    };
    await verdict(1); // the first check, at start
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      // a student's pace: a save a second at the most (the watcher starts the next check's child after each verdict)
      await new Promise((r) => setTimeout(r, 1000));
      const t0 = performance.now();
      fs.writeFileSync(file, `${source}// save ${i}\n`);
      await verdict(i + 2);
      samples.push(performance.now() - t0);
    }
    return samples;
  } finally {
    child?.stdin?.end('q\n');
    if (child && child.exitCode === null) {
      await new Promise<void>((r) => {
        const kill = setTimeout(() => child?.kill('SIGKILL'), 5000);
        child?.on('close', () => {
          clearTimeout(kill);
          r();
        });
      });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
