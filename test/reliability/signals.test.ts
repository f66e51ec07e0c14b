// Signals on every path, each made to happen at a known moment: during a
// step hook (a wrapped reference step that waits), during the teardown, by
// closing a real terminal, by Ctrl-C typed into the container's shell, and
// SIGKILL. The fault-injection suite does the same at random moments.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orphanLedgers } from '../../kit/core/ledger.ts';
import { projectRoot, solutionsDir } from '../../kit/core/paths.ts';
import { isRunning, processStartTime } from '../../kit/host/proc.ts';
import { ensureRootfs } from '../../kit/host/image/rootfs.ts';
import { listStepFiles } from '../../kit/core/steps.ts';
import { npmRun, runKit, sleep, startKit } from './kit-process.ts';
import { digits, makeSandbox, type Sandbox } from './sandbox.ts';

/** The highest step that makes a container (step 5 adds a benchmark, not resources). */
const TOP = Math.max(
  ...listStepFiles(solutionsDir)
    .map((s) => s.id)
    .filter((id) => id <= 4),
);
/** The last step: its container runs in a user namespace of its own, hardened. */
const LAST = Math.max(...listStepFiles(solutionsDir).map((s) => s.id));
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

let sandbox: Sandbox;
const dirs: string[] = [];
beforeAll(() => {
  sandbox = makeSandbox('signals');
  ensureRootfs();
});
afterAll(async () => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  await sandbox?.dispose();
}, 60_000);

/**
 * A steps folder: the reference solutions, with the top step's `hook` wrapped
 * to say `cw-test: in HOOK` on stderr after its own work, then wait `waitMs`.
 */
function slowSteps(hook: 'setup' | 'teardown', waitMs: number): string {
  const dir = fs.mkdtempSync(path.join(projectRoot, '.mutant-reliability-slow-'));
  dirs.push(dir);
  for (const f of listStepFiles(solutionsDir).filter((s) => s.id <= TOP)) {
    const name = path.basename(f.file);
    if (f.id !== TOP) {
      fs.copyFileSync(f.file, path.join(dir, name));
      continue;
    }
    // the solution's own text, its step wrapped: a step file may import only
    // kit/student.ts (the import rule), so not the solution itself
    const text = fs.readFileSync(f.file, 'utf8');
    if (!text.includes('export default step;')) throw new Error(`${name} no longer ends with \`export default step;\``);
    fs.writeFileSync(
      path.join(dir, name),
      text.replace(
        'export default step;',
        `const slow: StepDefinition = {
  ...step,
  async ${hook}(ctx, ...rest: never[]) {
    await (step.${hook} as ((...a: unknown[]) => Promise<void> | void) | undefined)?.(ctx, ...rest);
    process.stderr.write('cw-test: in ${hook}\\n');
    await new Promise((r) => setTimeout(r, ${waitMs}));
  },
};
export default slow;`,
      ),
    );
  }
  return dir;
}

async function until(cond: () => boolean, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

describe(`signals to the kit (step ${TOP}'s reference)`, () => {
  it('SIGTERM while a setup hook runs: the start stops when the hook returns, all is removed, exit 143, the command never ran', async () => {
    const before = await sandbox.snapshot();
    const n = digits();
    const k = startKit(
      ['step', String(TOP), '--steps-dir', slowSteps('setup', 1500), '--', 'sh', '-c', `echo ready; sleep 30.${n}`],
      sandbox.env,
    );
    expect(await until(() => k.stderr().includes('cw-test: in setup'))).toBe(true);
    k.signal('SIGTERM');
    const e = await k.exit;
    expect(e.code, k.stderr()).toBe(143);
    expect(k.stderr()).toMatch(
      /SIGTERM: stopping once the current step hook returns, then removing what the run set up \(SIGTERM again to stop at once\)/,
    );
    expect(k.stderr()).toMatch(/cw error Stopped by SIGTERM while the container was starting; everything it had set up was removed\./);
    expect(k.stdout()).toBe(''); // the container's command never started
    expect((await sandbox.settle(before, [`30.${n}`])).leftovers).toEqual([]);
  }, 60_000);

  it('SIGINT twice while a hook hangs: exits at once (130) saying what comes next; `npm run clean` lists and removes what it left', async () => {
    const before = await sandbox.snapshot();
    const n = digits();
    const k = startKit(
      ['step', String(TOP), '--steps-dir', slowSteps('setup', 60_000), '--', 'sh', '-c', `echo ready; sleep 30.${n}`],
      sandbox.env,
    );
    expect(await until(() => k.stderr().includes('cw-test: in setup'))).toBe(true);
    const child = childOf(k.pid); // the container's first process, paused on its sync pipe
    k.signal('SIGINT');
    await sleep(200);
    k.signal('SIGINT');
    const e = await k.exit;
    expect(e.code).toBe(130);
    expect(k.stderr()).toMatch(
      /SIGINT again: stopping at once\. What this run had set up is removed by the next kit command, or now by `npm run clean`\./,
    );
    await k.groupGone();
    // the paused child died with the kit (PR_SET_PDEATHSIG)
    if (child) expect(processStartTime(child.pid) === child.start).toBe(false);
    const orphans = orphanLedgers(path.join(sandbox.stateDir, 'runs'));
    const clean = await npmRun('clean', [], sandbox.env);
    expect(clean.code).toBe(0);
    for (const o of orphans) expect(clean.stderr).toContain(`reclaiming run ${o.runId} (its process ${k.pid} is gone): `);
    if (TOP > 1) expect(orphans.length).toBe(1); // step 2 on records resources before setup
    expect(clean.stderr).toMatch(orphans.length ? /removed \d+ leftover resource\(s\)/ : /nothing to clean/);
    expect((await sandbox.settle(before, [`30.${n}`])).leftovers).toEqual([]);
  }, 60_000);

  it('SIGTERM while the container runs: its PID 1 gets it first (and may exit cleanly), then the kit tears down, exit 143', async () => {
    const before = await sandbox.snapshot();
    const n = digits();
    const k = startKit(
      ['step', String(TOP), '--solution', '--', 'sh', '-c', `trap "echo got-TERM; exit 7" TERM; echo ready; sleep 30.${n} & wait`],
      sandbox.env,
    );
    expect(await k.ready, k.stderr()).toBe(true);
    k.signal('SIGTERM');
    expect((await k.exit).code).toBe(143);
    expect(k.stdout()).toBe('ready\ngot-TERM\n');
    expect((await sandbox.settle(before, [`30.${n}`])).leftovers).toEqual([]);
  }, 60_000);

  it('SIGINT during the teardown: the teardown finishes, exit 130', async () => {
    const before = await sandbox.snapshot();
    const k = startKit(['step', String(TOP), '--steps-dir', slowSteps('teardown', 1000), '--', 'true'], sandbox.env);
    expect(await until(() => k.stderr().includes('cw-test: in teardown'))).toBe(true);
    k.signal('SIGINT');
    k.signal('SIGINT'); // a second one does not cut the teardown short either
    const e = await k.exit;
    expect(e.code, k.stderr()).toBe(130);
    expect(k.stderr()).not.toMatch(/cw error/);
    expect((await sandbox.settle(before)).leftovers).toEqual([]);
  }, 60_000);

  // LAST: a container that changed its uid in a user namespace (step 6 on),
  // which clears the parent-death signal unless the shim sets it again
  it.each([...new Set([TOP, LAST])])(
    'SIGKILL (step %i): the container dies with the kit, and the next kit command reclaims the run, saying what it removes',
    async (top) => {
      const before = await sandbox.snapshot();
      const n = digits();
      const k = startKit(['step', String(top), '--solution', '--', 'sh', '-c', `echo ready; exec sleep 30.${n}`], sandbox.env);
      expect(await k.ready, k.stderr()).toBe(true);
      const child = childOf(k.pid);
      expect(child).toBeDefined();
      const killedAt = performance.now();
      k.signal('SIGKILL');
      await k.exit;
      // k.exit waits for the kit's stdout/stderr to close: a container that outlives the kit holds them
      // open until its command ends (30 s here; the next command then waited for it too), so bound it
      expect(performance.now() - killedAt, `the kit's output stayed open after SIGKILL: ${withMarker(`30.${n}`).join('; ')}`).toBeLessThan(
        5000,
      );
      expect(await until(() => !child || processStartTime(child.pid) !== child.start, 2000)).toBe(true);
      // the container's command itself, wherever it is: gone with the kit, not when the next command reclaims the run
      expect(await until(() => withMarker(`30.${n}`).length === 0, 2000), withMarker(`30.${n}`).join('\n')).toBe(true);
      const orphans = orphanLedgers(path.join(sandbox.stateDir, 'runs'));
      const next = await runKit(['step', '1', '--solution', '--', 'true'], sandbox.env);
      expect(next.code).toBe(0);
      for (const o of orphans)
        expect(next.stderr).toContain(
          `reclaiming run ${o.runId} (its process ${k.pid} is gone): ${o.entries.length ? '' : 'nothing left'}`,
        );
      expect((await sandbox.settle(before, [`30.${n}`])).leftovers).toEqual([]);
    },
    60_000,
  );
});

describe.runIf(HAS_SCRIPT)('in a terminal (script(1) gives the kit a pty)', () => {
  /** `npm run step TOP` with an interactive shell, as a student types it, in a fresh pseudo-terminal. */
  function inTerminal(extra: string[], opts: { shellBetween?: boolean } = {}) {
    // `exec`: the kit itself is the terminal's session leader; as the job of a
    // login shell it would get the hangup too. Without it, whether the shell
    // script(1) starts (its $SHELL) stays in between depends on the machine.
    // `shellBetween` makes sure it does (`; exit`): that shell takes the
    // SIGHUP and dies, and the kit only learns of the hangup from its
    // container's shell reading EIO, then writes to a terminal that is gone.
    const step = ['node', '--import', 'tsx', 'kit/tools/cli/main.ts', 'step', String(TOP), '--solution', ...extra].join(' ');
    const cmd = opts.shellBetween ? `${step}; exit $?` : `exec ${step}`;
    const env = { ...sandbox.env, SHELL: '/bin/sh' };
    const c = spawn('script', ['-q', '-e', '-c', cmd, '/dev/null'], { cwd: projectRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise<number | null>((r) => c.on('close', r));
    /** the kit's node process, under script (and the shell, if one is in between) */
    const kit = () => descendants(c.pid ?? 0).find((p) => p.cmdline.startsWith('node ') && p.cmdline.includes('kit/tools/cli/main.ts'));
    return { c, out: () => out.replace(/\r/g, ''), closed, kit };
  }

  it("Ctrl-C in the container's shell belongs to the shell: it interrupts the command, the container and the kit go on", async () => {
    const before = await sandbox.snapshot();
    const t = inTerminal([]);
    expect(await until(() => t.out().includes('[container]'))).toBe(true);
    t.c.stdin.write('sleep 5; echo not-interrupted\n');
    await sleep(800);
    t.c.stdin.write('\x03');
    await sleep(300);
    t.c.stdin.write('echo alive-$((6*7))\n');
    expect(await until(() => t.out().includes('alive-42'), 10_000)).toBe(true);
    t.c.stdin.write('exit 4\n');
    expect(await t.closed).toBe(4);
    expect(t.out()).not.toMatch(/^not-interrupted$/m); // only the echo of the typed line
    expect((await sandbox.settle(before)).leftovers).toEqual([]);
  }, 60_000);

  it('closing the terminal (SIGHUP) while the shell runs: the kit stops the container, tears down and exits', async () => {
    const before = await sandbox.snapshot();
    const t = inTerminal(['--hostname', `hup-${digits()}`]);
    expect(await until(() => t.out().includes('[container]'))).toBe(true);
    const kit = t.kit();
    expect(kit).toBeDefined();
    const container = kit ? childOf(kit.pid) : undefined;
    expect(container).toBeDefined();
    t.c.kill('SIGKILL'); // script dies: the pty's master closes, the kernel hangs the terminal up
    await t.closed;
    // the shell ignores SIGHUP as its namespace's init: SIGKILL comes after the 1 s grace period
    expect(await until(() => !isRunning(kit?.pid ?? 0), 10_000)).toBe(true);
    expect(container && processStartTime(container.pid) === container.start).toBe(false);
    expect((await sandbox.settle(before)).leftovers).toEqual([]);
  }, 60_000);

  it('closing the terminal when the hangup never reaches the kit: writes fail with EIO, the kit still tears down and exits', async () => {
    const before = await sandbox.snapshot();
    const t = inTerminal(['--hostname', `eio-${digits()}`], { shellBetween: true });
    expect(await until(() => t.out().includes('[container]'))).toBe(true);
    const kit = t.kit();
    expect(kit).toBeDefined();
    t.c.kill('SIGKILL');
    await t.closed;
    expect(await until(() => !isRunning(kit?.pid ?? 0), 15_000)).toBe(true);
    // the teardown ran to its end: the loop device of /home is detached, the ledger gone
    expect((await sandbox.settle(before)).leftovers).toEqual([]);
  }, 60_000);
});

/** The (first) child process of `pid`, with its start time (to tell a reused pid apart). */
function childOf(pid: number): { pid: number; start: string } | undefined {
  try {
    const child = Number(fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]);
    const start = processStartTime(child);
    return child && start ? { pid: child, start } : undefined;
  } catch {
    return undefined;
  }
}

/** Every process on the host whose command line contains marker. */
function withMarker(marker: string): string[] {
  const out: string[] = [];
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.includes(marker)) out.push(`${p} ${cmdline}`);
    } catch {
      // gone
    }
  }
  return out;
}

function descendants(pid: number): { pid: number; cmdline: string }[] {
  const out: { pid: number; cmdline: string }[] = [];
  const walk = (p: number) => {
    let kids: number[] = [];
    try {
      kids = fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
    } catch {
      return;
    }
    for (const k of kids) {
      let cmdline = '';
      try {
        cmdline = fs.readFileSync(`/proc/${k}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        // gone
      }
      out.push({ pid: k, cmdline });
      walk(k);
    }
  };
  walk(pid);
  return out;
}
