// Spinners and bars: redraws and colors on a terminal; plain lines, never an
// escape code, in a pipe or with NO_COLOR.

import { describe, expect, it } from 'vitest';
import { bar, palette, renderBar, spinner, spinnerLog, stripAnsi, type Stream } from '../../kit/tools/ux/progress.ts';

function fakeStream(isTTY: boolean): Stream & { text: () => string } {
  let out = '';
  return { isTTY, columns: 80, write: (s: string) => ((out += s), true), text: () => out };
}

const ESC = /\x1b/;
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ TERM: 'xterm', ...extra });

describe('spinner', () => {
  it('off a terminal: one plain line per state, no escape codes, no carriage returns', () => {
    const s = fakeStream(false);
    const sp = spinner('building the rootfs', { stream: s, env: env() });
    const log = spinnerLog(sp);
    log('copying busybox');
    log('copying busybox'); // same text: not repeated
    sp.log('a line from the build');
    sp.succeed('rootfs ready');
    const out = s.text();
    expect(out).not.toMatch(ESC);
    expect(out).not.toContain('\r');
    expect(
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => l.replace(/\(\d+\.\d s\)/, '(T)')),
    ).toEqual(['cw building the rootfs ...', 'cw copying busybox ...', 'a line from the build', 'cw done: rootfs ready (T)']);
  });

  it('on a terminal: redraws one line in color, and ends with a mark', () => {
    const s = fakeStream(true);
    const sp = spinner('checking step 1', { stream: s, env: env() });
    sp.text('checking step 1 · starting the probe');
    sp.fail('the check could not run');
    const out = s.text();
    expect(out).toMatch(ESC);
    expect(out).toContain('\r');
    expect(stripAnsi(out)).toMatch(/✗ the check could not run \(\d+\.\d s\)\n$/);
  });

  it('on a terminal with NO_COLOR: still redraws, with \\r and spaces only', () => {
    const s = fakeStream(true);
    const sp = spinner('a long label that will be overwritten', { stream: s, env: env({ NO_COLOR: '1' }) });
    sp.text('short');
    sp.succeed();
    expect(s.text()).not.toMatch(ESC);
    expect(s.text()).toContain('\r');
    expect(s.text()).toMatch(/✓ short \(\d+\.\d s\)\n$/);
  });

  it('TERM=dumb counts as no terminal', () => {
    const s = fakeStream(true);
    spinner('x', { stream: s, env: { TERM: 'dumb' } }).stop();
    expect(s.text()).toBe('cw x ...\n');
  });
});

describe('bar', () => {
  it('off a terminal: a line per tenth of the way, and the last', () => {
    const s = fakeStream(false);
    const b = bar('sysbench runs', 20, { stream: s, env: env() });
    for (let i = 0; i <= 20; i++) b.update(i, `run ${i}`);
    b.done('all runs done');
    const lines = s.text().split('\n').filter(Boolean);
    expect(lines).toHaveLength(12); // 0..10 tenths + done
    expect(lines[0]).toBe('cw 0/20 run 0');
    expect(lines[10]).toBe('cw 20/20 run 20');
    expect(lines[11]).toMatch(/^cw all runs done \(\d+\.\d s\)$/);
    expect(s.text()).not.toMatch(ESC);
  });

  it("log: a finished line above the bar (the grader's one line per student), the bar drawn again below it", () => {
    const tty = fakeStream(true);
    const b = bar('graded', 4, { stream: tty, env: env() });
    expect(b.live).toBe(true);
    b.update(1, 'graded · 2 running');
    b.log('[1/4] alice: 10/10');
    const after = stripAnsi(tty.text()).split('[1/4] alice: 10/10\n')[1] ?? '';
    expect(after).toMatch(/1\/4 graded · 2 running/);
    const pipe = fakeStream(false);
    const p = bar('graded', 4, { stream: pipe, env: env() });
    expect(p.live).toBe(false);
    p.log('[1/4] alice: 10/10');
    expect(pipe.text()).toBe('[1/4] alice: 10/10\n');
  });

  it('renders a bar of the right fill', () => {
    expect(renderBar(5, 10, 10)).toBe('█████░░░░░');
    expect(renderBar(0, 0, 4)).toBe('████');
  });

  it('palette: colors only on a terminal without NO_COLOR, or when FORCE_COLOR says so', () => {
    expect(palette(fakeStream(true), env()).level).toBeGreaterThan(0);
    expect(palette(fakeStream(true), env({ NO_COLOR: '1' })).level).toBe(0);
    expect(palette(fakeStream(false), env()).level).toBe(0);
    expect(palette(fakeStream(false), env({ FORCE_COLOR: '1' })).level).toBeGreaterThan(0);
  });
});
