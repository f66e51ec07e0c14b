// Finding the checks: checks/NN-name.ts, each exporting a CheckDefinition.

import fs from 'node:fs';
import path from 'node:path';
import { checksDir } from '../../core/paths.ts';
import { importTs } from '../../core/ts-import.ts';
import type { CheckDefinition } from './framework.ts';

export function checkFiles(dir = checksDir): { step: number; file: string }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((f) => /^(\d\d)-[\w-]+\.ts$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ step: Number(m[1]), file: path.join(dir, m[0]) }))
    .sort((a, b) => a.step - b.step);
}

export async function loadCheck(step: number, dir = checksDir): Promise<CheckDefinition | undefined> {
  const f = checkFiles(dir).find((c) => c.step === step);
  if (!f) return undefined;
  const mod = (await importTs(f.file)) as { default: CheckDefinition };
  return mod.default;
}
