// `npm run step 1` in a real terminal (tmux): the shell is PID 1 with job
// control, Ctrl-C interrupts its command but not the container, and `exit 4`
// gives the terminal back to the caller with status 4.

import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../kit/core/paths.ts';

const socket = `cw-interactive-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-t', 't', '-p');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = screen();
    if (pattern.test(s)) return s;
    if (Date.now() > deadline) throw new Error(`screen never matched ${pattern}:\n${s}`);
    await sleep(100);
  }
}

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
});

describe('interactive shell in a terminal', () => {
  it('is PID 1, survives Ctrl-C, and hands the terminal back with its exit status', async () => {
    tmux('new-session', '-d', '-s', 't', '-x', '120', '-y', '30', '-c', projectRoot, 'bash', '--norc', '--noprofile');
    tmux('send-keys', '-t', 't', 'NO_COLOR=1 npm run -s step 1 -- --solution; echo "kit-exit=$?"', 'Enter');
    await waitFor(/\[container\] #\s*$/m);
    tmux('send-keys', '-t', 't', 'echo "pid=$$"; sleep 30', 'Enter');
    await waitFor(/^pid=1$/m);
    tmux('send-keys', '-t', 't', 'C-c');
    tmux('send-keys', '-t', 't', 'echo still-inside', 'Enter');
    await waitFor(/^still-inside$/m);
    tmux('send-keys', '-t', 't', 'exit 4', 'Enter');
    const s = await waitFor(/^kit-exit=\d+$/m);
    expect(s).toMatch(/^kit-exit=4$/m);
    expect(s).not.toMatch(/Cannot set tty process group/);
    tmux('send-keys', '-t', 't', 'echo back-in-bash', 'Enter');
    await waitFor(/^back-in-bash$/m);
  });
});
