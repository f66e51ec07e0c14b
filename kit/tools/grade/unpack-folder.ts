// Reading a submitted folder safely: only <root>/steps or <root>/<one>/steps
// (a wrapper folder) is looked at, never the whole tree (it may hold
// node_modules). A symbolic link that resolves outside the submission rejects
// it; every file is opened with O_NOFOLLOW and read with a byte limit.

import fs from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE, select } from './entry-path.ts';
import { formatSize } from '../../core/size.ts';
import type { UnpackLimits } from './types.ts';
import { ByteBudget, LimitExceeded } from './read-limited.ts';
import type { RawSubmission } from './types.ts';

export function readFolderSubmission(dir: string, limits: UnpackLimits): RawSubmission | string {
  let root: string;
  try {
    root = fs.realpathSync(dir);
  } catch (err) {
    return `cannot read the folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  const inside = (p: string) => p === root || p.startsWith(root + path.sep);
  const names: { name: string; item: string }[] = [];
  let looked = 0;

  // candidate parents of steps/: the root and its direct subfolders
  const parents = [''];
  for (const d of safeReaddir(path.join(root))) {
    if (d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules') parents.push(d.name);
  }
  for (const parent of parents) {
    for (const name of [MANIFEST_FILE, 'steps']) {
      const rel = parent ? `${parent}/${name}` : name;
      const abs = path.join(root, rel);
      let real: string;
      try {
        real = fs.realpathSync(abs);
      } catch {
        continue; // absent, or a dangling link: nothing to take
      }
      if (!inside(real)) return `unsafe submission: ${rel} is a symbolic link pointing out of the submission (${real})`;
      if (name === MANIFEST_FILE) {
        names.push({ name: rel, item: real });
        continue;
      }
      for (const d of safeReaddir(real)) {
        if (++looked > limits.maxEntries) return `the submission has more than ${limits.maxEntries} entries in its steps folders`;
        const fileRel = `${rel}/${d.name}`;
        if (d.isSymbolicLink()) {
          let target: string;
          try {
            target = fs.realpathSync(path.join(real, d.name));
          } catch {
            return `unsafe submission: ${fileRel} is a dangling symbolic link`;
          }
          if (!inside(target)) return `unsafe submission: ${fileRel} is a symbolic link pointing out of the submission (${target})`;
          names.push({ name: fileRel, item: target });
        } else {
          names.push({ name: fileRel, item: path.join(real, d.name) });
        }
      }
    }
  }

  const chosen = select(names);
  if (typeof chosen === 'string') return chosen;
  const budget = new ByteBudget(limits.maxTotalBytes);
  try {
    const steps = chosen.steps.map((s) => ({
      step: s.step,
      file: s.file,
      data: readFileLimited(s.item, limits.maxFileBytes, budget, `steps/${s.file}`),
    }));
    const manifest = chosen.manifest ? readFileLimited(chosen.manifest, limits.maxFileBytes, budget, MANIFEST_FILE) : undefined;
    return { steps, manifest };
  } catch (err) {
    return (err as Error).message;
  }
}

function safeReaddir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function readFileLimited(file: string, max: number, budget: ByteBudget, what: string): Buffer {
  let fd: number;
  try {
    // O_NOFOLLOW: the path was resolved already; a link swapped in since is refused
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (err) {
    throw new Error(`cannot open ${what} (${(err as NodeJS.ErrnoException).code})`);
  }
  try {
    if (!fs.fstatSync(fd).isFile()) throw new Error(`${what} is not a regular file`);
    const buf = Buffer.alloc(max + 1);
    let size = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, size, buf.length - size, null);
      if (n === 0) break;
      size += n;
      if (size > max) throw new LimitExceeded(`${what} is larger than ${formatSize(max)}`);
    }
    budget.take(size, what);
    return buf.subarray(0, size);
  } finally {
    fs.closeSync(fd);
  }
}
