// Shared by the network integration tests: throwaway state folders and run
// contexts, stand-in containers (`unshare --net sleep`), TCP echo both ways,
// and a cleanup that reclaims everything through the ledgers even when a test
// failed halfway. Traffic only ever goes to addresses these tests create.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ledger } from '../../kit/core/ledger.ts';
import { reclaimers as netReclaimers } from '../../kit/host/net/reclaim.ts';
import { spawnNetnsHolder, type NetnsHolder } from '../../kit/host/net/holder.ts';
import { reclaimers as kitReclaimers } from '../../kit/host/reclaim.ts';
import type { RunContext, RunOptions } from '../../kit/core/types.ts';

export const allReclaimers = { ...kitReclaimers, ...netReclaimers };

export interface NetSandbox {
  stateDir: string;
  ctx(options?: Partial<RunOptions>): RunContext;
  holder(): Promise<NetnsHolder>;
  cleanup(): Promise<void>;
}

export function netSandbox(): NetSandbox {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-net-test-'));
  const ledgers: Ledger[] = [];
  const holders: NetnsHolder[] = [];
  return {
    stateDir,
    ctx(options = {}) {
      const runId = randomBytes(3).toString('hex');
      const ledger = new Ledger(path.join(stateDir, 'runs'), runId);
      ledgers.push(ledger);
      return { runId, options: { argv: [], solution: true, stepsDir: '', ...options }, stateDir, ledger, facts: {} };
    },
    async holder() {
      const h = await spawnNetnsHolder(undefined, 30);
      holders.push(h);
      return h;
    },
    async cleanup() {
      for (const h of holders) await h.kill();
      for (const l of ledgers) await l.teardown(allReclaimers);
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Run a command inside the network namespace of `pid` (host filesystem, so host busybox). */
export function inNetns(
  pid: number,
  argv: string[],
  input?: string,
  timeoutMs = 5000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', ['-t', String(pid), '-n', ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** A busybox `nc -l -p PORT -e cat` echo server inside the namespace; kill() ends it by pid. */
export function echoServerInNetns(pid: number, port: number): { kill(): void } {
  const child = spawn('nsenter', ['-t', String(pid), '-n', 'busybox', 'nc', '-l', '-p', String(port), '-e', 'cat'], { stdio: 'ignore' });
  return { kill: () => void (child.exitCode === null && child.kill('SIGKILL')) };
}

export { echoServerOnHost, tcpEcho } from '../../kit/host/net/tcp.ts';

export const randomPort = (): number => 20000 + Math.floor(Math.random() * 40000);
export const randomToken = (): string => `cw-${randomBytes(6).toString('hex')}`;
