// usage: node --import tsx /tmp/i15t-bench.mts ROOT STEP RUNS
const [root, stepArg, runsArg] = process.argv.slice(2);
const step = Number(stepArg), runs = Number(runsArg);
const { runContainer } = await import(`${root}/kit/lifecycle.ts`);
const { loadStepsUpTo } = await import(`${root}/kit/steps.ts`);
const sol = `${root}/solutions`;
const steps = await loadStepsUpTo(sol, step);
const opts = { argv: ['true'], solution: true, stepsDir: sol, quiet: true };
await runContainer({ steps, options: opts }); // warm-up (image, rootfs, JIT)
const wall: number[] = [], cpu: number[] = [];
for (let i = 0; i < runs; i++) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  await runContainer({ steps, options: opts });
  const t1 = performance.now(); const c1 = process.cpuUsage(c0);
  wall.push(t1 - t0); cpu.push((c1.user + c1.system) / 1000);
}
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
console.log(JSON.stringify({ root, step, runs, wallMs: +med(wall).toFixed(2), cpuMs: +med(cpu).toFixed(2) }));
