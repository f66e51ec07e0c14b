// Prints the assertion specs that check modules export, as JSON, for the site's
// build-time data loader (checks.data.ts). It runs under tsx in its own process
// because check modules are TypeScript that import the kit (koffi, zx): the site
// must never load them into VitePress itself. One broken check file is reported
// as an error for that step only.
//
//   tsx site/.vitepress/dump-assertions.ts checks/01-pid.ts checks/02-mount.ts

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AssertionSpec } from '../../kit/tools/check/types.ts';

export const MARKER = '@@container-workshop-assertions@@';

export interface DumpedCheck {
  file: string;
  assertions: AssertionSpec[];
  error?: string;
}

function isSpec(value: unknown): value is AssertionSpec {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    typeof v.points === 'number' &&
    typeof v.hint === 'string' &&
    typeof v.page === 'string'
  );
}

async function dump(file: string): Promise<DumpedCheck> {
  try {
    const mod = (await import(pathToFileURL(path.resolve(file)).href)) as { assertions?: unknown };
    if (!Array.isArray(mod.assertions)) {
      return { file, assertions: [], error: 'the check does not export `assertions: AssertionSpec[]` yet' };
    }
    const bad = mod.assertions.filter((a) => !isSpec(a));
    if (bad.length) return { file, assertions: [], error: `${bad.length} assertion spec(s) lack id/name/points/hint/page` };
    // keep only the spec fields: nothing else of the module reaches the site
    const assertions = (mod.assertions as AssertionSpec[]).map(({ id, name, points, hint, page }) => ({ id, name, points, hint, page }));
    return { file, assertions };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { file, assertions: [], error: `loading the check failed: ${message}` };
  }
}

const results: DumpedCheck[] = [];
for (const file of process.argv.slice(2)) results.push(await dump(file));
process.stdout.write(`\n${MARKER}${JSON.stringify(results)}\n`);
// a check module may have left handles open (timers, child processes): we are done
process.exit(0);
