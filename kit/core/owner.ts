// Files the kit writes for the student stay the student's. Through the sudo
// re-run (kit/tools/cli/privileges.ts) the kit runs as root, so results/, the
// report, the zip and the backups of reset would belong to root, and the
// student could no longer edit report.md. sudo says who asked (SUDO_UID and
// SUDO_GID); everything the kit writes for them is given back with lchown
// (never following a symlink).

import fs from 'node:fs';
import path from 'node:path';

export interface Owner {
  uid: number;
  gid: number;
}

/** The user who ran the kit through sudo, or undefined when not running as root through sudo. */
export function invokingUser(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.()): Owner | undefined {
  if (uid !== 0) return undefined;
  const u = Number(env.SUDO_UID);
  const g = Number(env.SUDO_GID);
  if (!env.SUDO_UID || !env.SUDO_GID || !Number.isInteger(u) || !Number.isInteger(g) || u <= 0) return undefined;
  return { uid: u, gid: g };
}

/**
 * Give each path (a file, or a folder and everything under it) back to the
 * invoking user. A no-op when the kit was not run through sudo. Errors are
 * returned, not thrown: a file that cannot be given back is worth a warning,
 * not a failed command.
 */
export function giveBack(paths: string[], owner: Owner | undefined = invokingUser()): string[] {
  if (!owner) return [];
  const problems: string[] = [];
  const visit = (p: string): void => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return; // not written after all
    }
    try {
      if (st.uid !== owner.uid || st.gid !== owner.gid) fs.lchownSync(p, owner.uid, owner.gid);
    } catch (err) {
      problems.push(`${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
  };
  for (const p of paths) visit(p);
  return problems;
}
