// GitHub Classroom output from `npm run check -- --json` results:
//   node .build/kit/tools/grade/classroom-report.js checks.json [--steps 1-4] [--site-url URL]
// Writes one runner result per step (outputs step1, step2 ... for the reporter
// action) and the student's feedback to the job summary. A step missing from
// the JSON (the check crashed, the file is empty or not JSON) still gets a
// result: every assertion as an error with max points, so the reporter never
// sees a missing runner and the student sees why.

import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from '../cli/args.ts';
import type { CheckResult } from '../check/types.ts';
import { blanketResult, loadCatalog } from './catalog.ts';
import { emitClassroom } from './classroom.ts';
import { lastJsonArray, trustedResult } from './parse-result.ts';
import { parseSteps } from './sources.ts';

export async function classroomReport(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseArgs(argv);
  const file = args.positional[0];
  const catalog = await loadCatalog();
  const steps = (typeof args.flags.steps === 'string' ? parseSteps(args.flags.steps) : undefined) ?? [...catalog.keys()];
  let text = '';
  try {
    text = file ? fs.readFileSync(file, 'utf8') : '';
  } catch {
    // no file: every step becomes an error below
  }
  const parsed = lastJsonArray(text);
  const results: CheckResult[] = [];
  for (const step of steps) {
    const cat = catalog.get(step);
    if (!cat) continue;
    const r = trustedResult(parsed, cat, 'steps', 0);
    results.push(typeof r === 'string' ? blanketResult(cat, 'error', `no result for step ${step}: ${r} (see the "Checks" step's log)`) : r);
  }
  emitClassroom(results, env, { siteUrl: typeof args.flags['site-url'] === 'string' ? args.flags['site-url'] : env.CW_SITE_URL });
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  classroomReport(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`classroom report failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
