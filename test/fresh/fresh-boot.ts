// A fresh boot, recreated for one command without touching the host: the
// command runs in a private mount namespace whose root is a new tmpfs holding
// the host's folders (bind-mounted) and, as on a machine just booted,
//  - a /run that is a plain, empty folder of the root filesystem: no
//    /run/netns (nothing has run `ip netns` yet), no /run/lxc. /run is part
//    of "/" there, as on this kind of VM, so a sandbox that makes / read-only
//    makes /run read-only too: exactly the state of issue 13 (1);
//  - an empty /tmp, hence a cold tsx cache (tsx keeps it under os.tmpdir());
//  - no LXC container: an empty /var/lib/lxc;
//  - an empty state folder (CW_STATE_DIR, made by the caller).
// Installed packages and the built shim stay (a fresh clone after `npm ci`).
// Everything goes with the namespace when the command ends; the caller
// removes the state folder.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { kitLauncher, projectRoot } from '../../kit/core/paths.ts';

export const FRESH_BOOT_SCRIPT = `set -eu
R="$CW_FRESH_ROOT"
mount -t tmpfs -o size=2g,mode=755 cw-fresh-root "$R"
for e in /* ; do
  n="\${e#/}"
  case "$n" in run|tmp|proc|sys|dev|lost+found) continue ;; esac
  if [ -L "$e" ]; then ln -s "$(readlink "$e")" "$R/$n"
  elif [ -d "$e" ]; then mkdir "$R/$n"; mount --rbind "$e" "$R/$n"
  fi
done
mkdir -m 755 "$R/run"
mkdir -m 1777 "$R/tmp"
for d in proc sys dev; do mkdir "$R/$d"; mount --rbind "/$d" "$R/$d"; done
if [ -d "$R/var/lib/lxc" ]; then mount -t tmpfs -o size=1m,mode=700 cw-fresh-lxc "$R/var/lib/lxc"; fi
cd "$R"
mkdir .old
pivot_root . .old
cd /
umount -l /.old
rmdir /.old
mkdir -p "$TMPDIR"
cd "$CW_FRESH_CWD"
exec "$@"
`;

export interface FreshRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface FreshMachine {
  /** the empty state folder (CW_STATE_DIR) */
  stateDir: string;
  /** TMPDIR inside the fresh root (on its empty /tmp) */
  tmpDir: string;
  /** run a command on the fresh machine, from the kit's folder */
  run(argv: string[], o?: { timeoutMs?: number; env?: Record<string, string> }): Promise<FreshRun>;
  /** the kit's own CLI as npm runs it (`npm run X` is `node bin/kit.mjs X`: the compiled kit) */
  kit(args: string[], o?: { timeoutMs?: number }): Promise<FreshRun>;
  remove(): void;
}

/** A fresh machine: an empty state folder now, a fresh root for each command. */
export function freshMachine(label: string): FreshMachine {
  const id = `${label}-${crypto.randomBytes(3).toString('hex')}`;
  // not under /tmp: the fresh root has its own, empty /tmp
  const base = path.join(projectRoot, 'state', `fresh-${id}`);
  const stateDir = path.join(base, 'state');
  const rootMount = path.join(base, 'root');
  fs.mkdirSync(stateDir, { recursive: true });
  fs.mkdirSync(rootMount, { recursive: true });
  const tmpDir = `/tmp/cw-fresh-${id}`;
  const run: FreshMachine['run'] = (argv, o = {}) =>
    new Promise((resolve) => {
      const started = Date.now();
      const child = spawn(
        'unshare',
        ['--mount', '--propagation', 'private', '--', 'sh', '-c', FRESH_BOOT_SCRIPT, 'cw-fresh-boot', ...argv],
        {
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
            HOME: process.env.HOME ?? '/root',
            LANG: 'C.UTF-8',
            // as typed in a terminal: without it, zx's bash (stdin a socket) sources ~/.bashrc for every command
            SHLVL: '1',
            CI: 'true',
            NO_COLOR: '1',
            CW_STATE_DIR: stateDir,
            TMPDIR: tmpDir,
            CW_FRESH_ROOT: rootMount,
            CW_FRESH_CWD: projectRoot,
            ...o.env,
          },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-256 * 1024)));
      const timer = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGTERM');
        } catch {
          // gone
        }
      }, o.timeoutMs ?? 300_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      });
    });
  return {
    stateDir,
    tmpDir,
    run,
    kit: (args, o) => run([process.execPath, kitLauncher, ...args], o),
    remove: () => fs.rmSync(base, { recursive: true, force: true }),
  };
}

/** Loop devices whose backing file lies under one of `marks` (a leak of ours). */
export function loopsUnder(marks: string[]): string[] {
  const out: string[] = [];
  for (const dev of fs.readdirSync('/sys/block').filter((d) => d.startsWith('loop'))) {
    try {
      const file = fs.readFileSync(`/sys/block/${dev}/loop/backing_file`, 'utf8').trim();
      if (marks.some((m) => file.includes(m))) out.push(`/dev/${dev} ${file}`);
    } catch {
      // not attached
    }
  }
  return out;
}
