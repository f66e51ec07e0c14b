// Containers need root. A student who types `npm run step 1` as themselves is
// re-run through sudo, with PATH kept so that an nvm-installed node is found
// (sudo's secure_path would otherwise hide it).

import { spawnSync } from 'node:child_process';
import { KitError } from '../../core/errors.ts';
import { say } from './output.ts';

export function ensureLinux(): void {
  if (process.platform !== 'linux') {
    throw new KitError(`Containers are built from Linux kernel features, and this is ${process.platform}.`, {
      hint: 'Use a Linux virtual machine (for example Multipass or UTM on macOS, WSL2 or Hyper-V on Windows) and run the kit there.',
      page: '/guide/troubleshooting#not-linux',
      exitCode: 2,
    });
  }
}

/** Returns only when already root; otherwise re-runs through sudo and exits. */
export function ensureRoot(): void {
  if (process.getuid?.() === 0) return;
  const hasSudo = spawnSync('sudo', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!hasSudo) {
    throw new KitError('This needs root (namespaces, mounts and cgroups are privileged), and sudo is not installed.', {
      hint: 'Run it as root (for example `su -c "npm run step 1"`), or install sudo.',
      page: '/guide/troubleshooting#sudo-and-path',
      exitCode: 77,
    });
  }
  say('namespaces, mounts and cgroups need root: re-running through sudo (PATH kept)');
  // sudo resets the environment: keep PATH and the kit's own settings (CW_STATE_DIR, CW_RESULTS_DIR, ...)
  const kitEnv = Object.entries(process.env).flatMap(([k, v]) => (k.startsWith('CW_') && v !== undefined ? [`${k}=${v}`] : []));
  const args = ['--', 'env', `PATH=${process.env.PATH ?? ''}`, ...kitEnv, process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  const r = spawnSync('sudo', args, { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
