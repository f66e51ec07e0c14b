// A throwaway LXC container to compare ours with: Debian's lxc, built offline
// from its busybox template in well under a second, the host's /usr bound
// read-only (so it runs the host's very sysbench), no network, no AppArmor
// profile. Everything is done with the lxc-* tools, as an administrator would.

import fs from 'node:fs';
import path from 'node:path';
import { $, quiet$ } from '../../core/shell.ts';
import type { Ledger, Reclaimer, ResourceKind } from '../../core/ledger.ts';

const q = quiet$;

/** Our containers are named cw-bench-<runId>; nothing else is ever touched. */
export const NAME_PREFIX = 'cw-bench-';
const NAME_RE = /^cw-bench-[0-9a-z-]+$/;
export const containerName = (runId: string): string => `${NAME_PREFIX}${runId}`;

export const INSTALL_HINT = 'sudo apt-get install lxc busybox-static   (or: npm run preflight -- --lxc)';
const TEMPLATE = '/usr/share/lxc/templates/lxc-busybox';

export type LxcAvailability = { ok: true; version: string } | { ok: false; note: string; install: string };

export async function lxcAvailability(): Promise<LxcAvailability> {
  const missing: string[] = [];
  for (const tool of ['lxc-create', 'lxc-start', 'lxc-attach', 'lxc-stop', 'lxc-destroy']) {
    if ((await q`which ${tool}`).exitCode !== 0) missing.push(tool);
  }
  if (missing.length) return { ok: false, note: `LXC is not installed (no ${missing.join(', ')})`, install: INSTALL_HINT };
  if (!fs.existsSync(TEMPLATE)) return { ok: false, note: `LXC's busybox template is missing (${TEMPLATE})`, install: INSTALL_HINT };
  if ((await q`which busybox`).exitCode !== 0)
    return { ok: false, note: "busybox is not installed (the template copies the host's)", install: INSTALL_HINT };
  const version = (await q`lxc-create --version`).stdout.trim();
  return { ok: true, version };
}

/** Where lxc keeps containers (/var/lib/lxc on Debian). */
export async function lxcPath(): Promise<string> {
  const out = (await q`lxc-config lxc.lxcpath`).stdout.trim();
  return out || '/var/lib/lxc';
}

/**
 * Our settings, given to lxc-create with -f; the busybox template appends its
 * own (autodev, proc/sys mounts, read-only binds of /lib and /usr/lib).
 */
export function benchConfig(): string {
  return [
    "# container-workshop: a benchmark twin of the student's container",
    'lxc.net.0.type = empty',
    'lxc.apparmor.profile = unconfined',
    // the host's /usr, read-only: the same sysbench binary and libraries as the host
    'lxc.mount.entry = /usr usr none ro,bind 0 0',
    // no busybox init (its rcS would wait for DHCP on a network we do not give it):
    // PID 1 just sleeps, and each benchmark is attached with lxc-attach
    'lxc.init.cmd = /bin/sleep 999999',
    '',
  ].join('\n');
}

export interface LxcContainer {
  name: string;
  lxcpath: string;
  rootfs: string;
  /** host pid of its PID 1 */
  initPid: number;
  /** its ledger entry, to forget once destroyed */
  ledgerEntry: number;
}

/**
 * Create and start the container. The ledger entry is written before
 * lxc-create, so a run killed at any point leaves something `npm run clean`
 * can find.
 */
export async function createLxc(ledger: Ledger, name: string, scratchDir: string): Promise<LxcContainer> {
  if (!NAME_RE.test(name)) throw new Error(`refusing LXC name ${name}`);
  const lxcpath = await lxcPath();
  const ledgerEntry = ledger.record({ kind: 'lxc', name });
  pivotBefore.set(
    name,
    pivotCgroups().filter((p) => fs.existsSync(p)),
  );
  try {
    await lxcCreate(ledger, name, scratchDir);
    const log = path.join(lxcpath, name, 'start.log');
    const started = await q`lxc-start -n ${name} -d -l ERROR -o ${log}`;
    const running = started.exitCode === 0 && (await q`lxc-wait -n ${name} -s RUNNING -t 10`).exitCode === 0;
    if (!running) throw new LxcError('lxc-start', `${started.stderr}\n${readIfExists(log)}`);
    const initPid = Number((await q`lxc-info -n ${name} -p -H`).stdout.trim());
    return { name, lxcpath, rootfs: path.join(lxcpath, name, 'rootfs'), initPid, ledgerEntry };
  } catch (err) {
    await destroyLxc(name);
    ledger.forget(ledgerEntry);
    throw err;
  }
}

async function lxcCreate(ledger: Ledger, name: string, scratchDir: string): Promise<void> {
  fs.mkdirSync(scratchDir, { recursive: true });
  const conf = path.join(scratchDir, `${name}.conf`);
  const confEntry = ledger.record({ kind: 'path', path: conf });
  try {
    fs.writeFileSync(conf, benchConfig());
    const created = await q`lxc-create -n ${name} -t busybox -f ${conf}`;
    if (created.exitCode !== 0) throw new LxcError('lxc-create', created.stderr || created.stdout);
  } finally {
    fs.rmSync(conf, { force: true });
    ledger.forget(confEntry);
  }
}

export class LxcError extends Error {
  constructor(
    readonly tool: string,
    readonly output: string,
  ) {
    super(`${tool} failed: ${output.trim().split('\n').slice(-3).join(' | ') || 'no output'}`);
    this.name = 'LxcError';
  }
}

const readIfExists = (file: string): string => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** lxc-attach with a clean environment: the host's variables do not leak in. */
export function attachArgv(name: string, argv: string[]): string[] {
  return [
    'lxc-attach',
    '-n',
    name,
    '--clear-env',
    '--set-var',
    'PATH=/usr/sbin:/usr/bin:/sbin:/bin',
    '--set-var',
    'HOME=/root',
    '--',
    ...argv,
  ];
}

// cgroup directories lxc makes for a container, per hierarchy. "lxc.pivot" is
// shared by all containers (lxc moves itself there to attach); it is removed
// only when this run created it and it is empty.
const pivotBefore = new Map<string, string[]>();

function cgroupMounts(): string[] {
  try {
    return fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((l) => / - cgroup2? /.test(l))
      .map((l) => l.split(' ')[4]);
  } catch {
    return [];
  }
}

const pivotCgroups = (): string[] => cgroupMounts().map((m) => path.join(m, 'lxc.pivot'));

function rmdirQuietly(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // absent, or still in use (EBUSY): not ours to force
  }
}

/** Stop, destroy and remove every trace of one of our containers. Idempotent. */
export async function destroyLxc(name: string): Promise<void> {
  if (!NAME_RE.test(name)) return;
  await q`lxc-stop -n ${name} -k`;
  await q`lxc-destroy -n ${name} -f`;
  const dir = path.join(await lxcPath(), name);
  // lxc-destroy refuses a half-made container; its folder is still ours
  if (fs.existsSync(dir)) fs.rmSync(dir, { recursive: true, force: true });
  for (const m of cgroupMounts()) {
    for (const sub of [`lxc.payload.${name}`, `lxc.monitor.${name}`]) rmdirQuietly(path.join(m, sub));
  }
  const before = pivotBefore.get(name);
  if (before) {
    for (const p of pivotCgroups()) if (!before.includes(p)) rmdirQuietly(p);
    pivotBefore.delete(name);
  }
}

const reclaimLxc: Reclaimer = async (e) => {
  if (e.kind !== 'lxc') return;
  await destroyLxc(e.name);
};

export const reclaimers: Partial<Record<ResourceKind, Reclaimer>> = { lxc: reclaimLxc };
