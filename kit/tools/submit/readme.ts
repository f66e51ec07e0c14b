// The README.md at the top of a submission zip: who, with which kit, what
// each file is, how to run each step with the kit, which checks passed on
// the student's machine, and where the report is. Written for the person who
// opens the zip by hand.

import type { SubmissionManifest } from './manifest.ts';

export interface ReadmeInput {
  manifest: SubmissionManifest;
  edition: string;
  /** step files with their titles, e.g. steps/01-pid.ts -> "PID namespace" */
  stepTitles: Map<string, string>;
  changed: string[];
  pristine: string[];
  skipped: string[];
}

export function describeFile(p: string, titles: Map<string, string>): string {
  const step = /^steps\/(\d\d)-[\w-]+\.ts$/.exec(p);
  if (step) return `step ${Number(step[1])}${titles.get(p) ? `: ${titles.get(p)}` : ''} (the student's code)`;
  if (p.startsWith('steps/')) return "a file of the student's in steps/ (helper or notes)";
  if (/(^|\/)report\.pdf$/i.test(p)) return '**the lab report (PDF)**';
  if (/(^|\/)report\.md$/i.test(p)) return "the lab report, Markdown source (the student's answers and the kit's observations)";
  if (/(^|\/)report\.html$/i.test(p)) return 'the lab report as one HTML page';
  const kept = /^results\/bench-([^/]+)\/bench\.(json|md|svg)$/.exec(p);
  if (kept)
    return `benchmark run kept as "${kept[1]}" (${{ json: 'raw data', md: 'table', svg: 'chart' }[kept[2] as 'json' | 'md' | 'svg']})`;
  const bench = /^results\/bench\.(json|md|svg)$/.exec(p);
  if (bench) return `benchmark (${{ json: 'raw data', md: 'table', svg: 'chart' }[bench[1] as 'json' | 'md' | 'svg']})`;
  if (p === 'results/checks.json') return 'check results saved by the report';
  if (p === 'manifest.json') return 'who, which kit, a sha256 of every file (the grader reads it, trusts none of it)';
  if (p.startsWith('results/')) return 'a result file';
  return '';
}

export function submissionReadme(o: ReadmeInput): string {
  const m = o.manifest;
  const report = m.files.find((f) => /(^|\/)report\.pdf$/i.test(f.path))?.path;
  const reportMd = m.files.find((f) => /(^|\/)report\.md$/i.test(f.path))?.path;
  const steps = m.files.filter((f) => /^steps\/\d\d-/.test(f.path)).map((f) => Number(/^steps\/(\d\d)/.exec(f.path)?.[1]));
  const checks = m.localChecks
    ? `On the student's machine (${m.localChecks.at.slice(0, 16).replace('T', ' ')} UTC), the checks passed for step(s) ${m.localChecks.passed.join(', ') || 'none'}${m.localChecks.failed.length ? ` and did not pass for step(s) ${m.localChecks.failed.join(', ')}` : ''}. The grader runs them again: these are not grades.`
    : 'The student had not run `npm run check` on these steps. The grader runs the checks.';
  const rows = [...m.files.map((f) => f.path), 'manifest.json'].map((p) => `| \`${p}\` | ${describeFile(p, o.stepTitles)} |`);
  return `# Submission: ${m.student.name} (${m.student.id})

Made with \`npm run submit\` on ${m.createdAt.slice(0, 16).replace('T', ' ')} UTC, with container-workshop ${m.kit.version} (${o.edition} edition), Node ${m.node}.

**The report:** ${report ? `\`${report}\`` : '_no PDF in this zip (submitted with --no-report)_'}${reportMd ? ` (source: \`${reportMd}\`)` : ''}.

**Checks:** ${checks}

**Steps with the student's work:** ${o.changed.join(', ') || 'none'}${o.pristine.length ? `; still the skeleton: ${o.pristine.join(', ')}` : ''}.

## Files

| file | what it is |
|---|---|
${rows.join('\n')}
${o.skipped.length ? `\nLeft out (over the size limits): ${o.skipped.map((s) => `\`${s}\``).join(', ')}.\n` : ''}
## Running it

The step files are not a program on their own: they plug into the kit
(\`import ... from '../../kit/student.ts'\`). To run them, put them in a copy of
the kit (version ${m.kit.version}):

\`\`\`sh
git clone <the kit> && cd container-workshop && npm install
cp -r /path/to/this/zip/steps/* steps/
${steps.length ? steps.map((n) => `npm run step ${n}     # the container of steps 1..${n}, a shell inside\nnpm run check ${n}    # step ${n}'s check, from the host`).join('\n') : 'npm run step 1'}
\`\`\`

Or grade the zip as it is: \`npm run grade -- this.zip\` (instructors, with the full kit).
`;
}
