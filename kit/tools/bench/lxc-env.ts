// LXC as a benchmark environment: one container per benchmark run of the kit,
// each sysbench attached to it with lxc-attach, its files in the container's
// own rootfs (a folder on the host's filesystem, like most LXC setups). The
// bench's, like host-env.ts and container-env.ts; kit/host/lxc/lxc.ts makes
// and destroys the container.

import fs from 'node:fs';
import path from 'node:path';
import { $ } from '../../core/shell.ts';
import type { Ledger } from '../../core/ledger.ts';
import {
  fromProbe,
  inDirectory,
  statfsFree,
  type BenchEnvironment,
  type EnvRunResult,
  type UnavailableEnvironment,
} from './environment.ts';
import { watchFor } from './probe.ts';
import { attachArgv, containerName, createLxc, destroyLxc, lxcAvailability, type LxcContainer } from '../../host/lxc/lxc.ts';

/** The working directory inside the container (a plain folder of its rootfs). */
export const LXC_WORKDIR = '/bench';

export function lxcEnvironment(opts: { ledger: Ledger; stateDir: string; runId: string; version: string }): BenchEnvironment {
  const name = containerName(opts.runId);
  let c: LxcContainer | undefined;
  return {
    name: 'lxc',
    description: `LXC ${opts.version}: container ${name} from the busybox template, host /usr bound read-only, no network, unconfined`,
    workDir: LXC_WORKDIR,
    async setup() {
      c = await createLxc(opts.ledger, name, path.join(opts.stateDir, 'bench'));
      fs.mkdirSync(path.join(c.rootfs, LXC_WORKDIR.slice(1)), { recursive: true });
    },
    async run(argv, { cwd }): Promise<EnvRunResult> {
      const p = $({ quiet: true, nothrow: true })`${attachArgv(name, inDirectory(cwd, argv))}`;
      // lxc-attach forks into the container's namespaces: sysbench is its descendant
      const watch = watchFor(() => p.pid, 'sysbench', cwd);
      const out = await p;
      watch.stop();
      return { stdout: out.stdout, stderr: out.stderr, exitCode: out.exitCode ?? 1, ...fromProbe(await watch.result) };
    },
    async teardown() {
      await destroyLxc(name);
      if (c) opts.ledger.forget(c.ledgerEntry);
      c = undefined;
    },
    async freeBytes() {
      return c ? statfsFree(path.join(c.rootfs, LXC_WORKDIR.slice(1))) : undefined;
    },
    facts() {
      return { name, lxcpath: c?.lxcpath, rootfs: c?.rootfs, initPid: c?.initPid, version: opts.version };
    },
  };
}

/** The LXC environment, or why there is none (with the command that installs it). */
export async function lxcEnvironmentIfAvailable(o: {
  ledger: Ledger;
  stateDir: string;
  runId: string;
}): Promise<BenchEnvironment | UnavailableEnvironment> {
  const lxc = await lxcAvailability();
  if (!lxc.ok) return { name: 'lxc', note: lxc.note, install: lxc.install };
  return lxcEnvironment({ ...o, version: lxc.version });
}
