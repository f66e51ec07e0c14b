// The trace of a real container run (kit/core/tracer.ts): host commands with exit
// status, writes under /sys/fs/cgroup by a step's plain fs calls and by the
// kit, the shim's syscalls with their results (native/shim.c reports each
// one), lifecycle milestones; in time order, the step's own lines marked, and
// kept in state/traces/step-N.jsonl.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunOptions } from '../../kit/core/types.ts';
import { runContainer } from '../../kit/host/run.ts';
import { readLastTrace, type TraceEvent } from '../../kit/core/trace.ts';
import step, { cgroupDir } from '../fixtures/trace/01-traced.ts';

const FIXTURE = path.resolve(__dirname, '../fixtures/trace/01-traced.ts');
const lines = fs.readFileSync(FIXTURE, 'utf8').split('\n');
/** `trace/01-traced.ts:N` of the line marked `// @line NAME` */
const at = (name: string): string => `trace/01-traced.ts:${lines.findIndex((l) => l.includes(`// @line ${name}`)) + 1}`;

const state = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-trace-'));
const prevState = process.env.CW_STATE_DIR;
process.env.CW_STATE_DIR = state;
afterAll(() => {
  fs.rmSync(state, { recursive: true, force: true });
  if (prevState === undefined) delete process.env.CW_STATE_DIR;
  else process.env.CW_STATE_DIR = prevState;
});

const options = (more: Partial<RunOptions> = {}) => ({ argv: ['true'], solution: false, stepsDir: path.dirname(FIXTURE), ...more });
const find = (events: TraceEvent[], kind: TraceEvent['kind'], what: RegExp): TraceEvent => {
  const e = events.find((x) => x.kind === kind && what.test(x.what));
  if (!e) throw new Error(`no ${kind} event matching ${what} in:\n${events.map((x) => `${x.kind} ${x.what} -> ${x.result}`).join('\n')}`);
  return e;
};

describe('the trace of a container run', () => {
  it('records commands, cgroup writes and syscalls with results, in order, marked with the step line', async () => {
    const live: TraceEvent[] = [];
    const { ctx, status } = await runContainer({ steps: [step], options: options(), onTrace: (e) => live.push(e) });
    expect(status.code).toBe(0);
    const events = readLastTrace(state, 1);
    expect(events).toBeDefined();
    const trace = events!;
    expect(trace).toHaveLength(live.length);
    // in time order, every phase in lifecycle order
    expect(trace.map((e) => e.t)).toEqual([...trace.map((e) => e.t)].sort((a, b) => a - b));
    const phases = ['prepare', 'configure', 'spawn', 'setup', 'release', 'wait', 'teardown'];
    const seen = trace.map((e) => phases.indexOf(e.phase));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));

    expect(find(trace, 'command', /^true$/)).toMatchObject({ result: '0', ok: true, origin: at('true'), phase: 'prepare' });
    expect(find(trace, 'command', /^exit 3$/)).toMatchObject({ result: '3', ok: false, origin: at('exit3') });
    const dir = cgroupDir(ctx.runId);
    expect(find(trace, 'cgroup-write', new RegExp(`^mkdir ${dir}$`))).toMatchObject({ result: '0', ok: true, origin: at('mkdir') });
    expect(find(trace, 'cgroup-write', /cgroup\.procs <- not a pid$/)).toMatchObject({
      result: 'EINVAL',
      ok: false,
      origin: at('bad-write'),
    });
    const kit = find(trace, 'cgroup-write', /cgroup\.procs <- kit$/);
    expect(kit.origin).toBeUndefined(); // the kit's own write
    expect(find(trace, 'cgroup-write', /cgroup\.procs <- \d+$/)).toMatchObject({ result: '0', origin: at('join'), phase: 'setup' });
    expect(find(trace, 'cgroup-write', new RegExp(`^rmdir ${dir}$`))).toMatchObject({
      result: '0',
      origin: at('rmdir'),
      phase: 'teardown',
    });

    expect(find(trace, 'lifecycle', /^clone\(CLONE_NEWNS \| CLONE_NEWUTS\)$/).result).toMatch(/^pid \d+$/);
    const syscalls = trace.filter((e) => e.kind === 'syscall');
    expect(syscalls.map((e) => [e.what, e.result, e.origin])).toEqual([
      ['mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)', '0', at('private')],
      ['sethostname("traced")', '0', at('hostname')],
      ['execve("true", ["true"])', '0', undefined],
    ]);
    expect(syscalls.every((e) => e.phase === 'release')).toBe(true);
    expect(find(trace, 'lifecycle', /^container exited$/).result).toBe('code 0');
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('records the failing syscall with its errno, and the ones before it as done', async () => {
    const err = await runContainer({ steps: [step], options: options({ hostname: 'fail-pivot' }) }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^pivot_root/);
    const syscalls = readLastTrace(state, 1)!.filter((e) => e.kind === 'syscall');
    expect(syscalls.map((e) => [e.what, e.ok])).toEqual([
      ['mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)', true],
      ['sethostname("traced")', true],
      ['pivot_root("/tmp", "/tmp/nope")', false],
    ]);
    expect(syscalls[2].result).toMatch(/^E[A-Z]+$/);
    expect(syscalls[2].origin).toBe(at('pivot'));
  });

  it('records a failed execve once, with its errno', async () => {
    await runContainer({ steps: [step], options: options({ argv: ['no-such-command-cw'] }) }).catch(() => undefined);
    const exec = readLastTrace(state, 1)!.filter((e) => e.kind === 'syscall' && e.what.startsWith('execve'));
    expect(exec.map((e) => e.result)).toEqual(['ENOENT']);
  });
});
