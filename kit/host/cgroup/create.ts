// Creating a cgroup's directories: recorded in the ledger first, undone
// if anything fails halfway.

import { KitError } from '../../core/errors.ts';
import type { Ledger } from '../../core/ledger.ts';
import { CGROUP_PAGE } from './errors.ts';
import { errnoCode, type CgroupHost } from './host.ts';

/**
 * Record `dirs` in the ledger, run `prepareParents`, then mkdir each dir.
 * The kit's parent directory is shared by concurrent runs and removed by the
 * last one to leave, so a mkdir may meet ENOENT: then prepare and try again.
 * Returns the ledger entry id.
 */
export function createDirs(host: CgroupHost, ledger: Ledger, dirs: string[], prepareParents: () => void): number {
  const id = ledger.record({ kind: 'cgroup', paths: [...dirs] });
  const made: string[] = [];
  try {
    for (let attempt = 1; ; attempt++) {
      prepareParents();
      try {
        for (const d of dirs) {
          if (made.includes(d)) continue;
          host.mkdir(d);
          made.push(d);
        }
        return id;
      } catch (err) {
        if (errnoCode(err) === 'ENOENT' && attempt < 5) continue;
        if (errnoCode(err) === 'EEXIST') {
          throw new KitError(`The cgroup ${dirs.find((d) => !made.includes(d))} already exists.`, {
            hint: 'A run with the same id was killed and left it behind: run `npm run clean`, then try again.',
            page: `${CGROUP_PAGE}#troubleshooting`,
            cause: err,
          });
        }
        throw err;
      }
    }
  } catch (err) {
    for (const d of made.reverse()) {
      try {
        host.rmdir(d); // fresh and empty: no process can be inside yet
      } catch {
        // leave it to the ledger's reclaimer
        throw err;
      }
    }
    ledger.forget(id);
    throw err;
  }
}

export function mkdirExisting(host: CgroupHost, dir: string): void {
  try {
    host.mkdir(dir);
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') throw err;
  }
}
