// Small JSON files in the kit's state folder (state/hints.json, ...). The
// state folder may belong to root after a run through sudo: reading never
// fails, and a write that is refused says so instead of crashing.

import fs from 'node:fs';
import path from 'node:path';
import { stateDir } from '../../core/paths.ts';

export const stateFile = (name: string): string => path.join(stateDir(), name);

export function readState<T extends object>(name: string, fallback: T): T {
  try {
    const data: unknown = JSON.parse(fs.readFileSync(stateFile(name), 'utf8'));
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as T) : fallback;
  } catch {
    return fallback;
  }
}

/** Write atomically (a rename), so a reader never sees half a file. Returns false when refused. */
export function writeState(name: string, data: object): boolean {
  const file = stateFile(name);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
    fs.renameSync(tmp, file);
    return true;
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    if (isPermission(err)) return false;
    throw err;
  }
}

function isPermission(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}

/** The key the check command uses in state/last-check.json: `${stepsDir}#${step}`. */
export const stepKey = (stepsDir: string, step: number): string => `${path.resolve(stepsDir)}#${step}`;
