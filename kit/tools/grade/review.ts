// Step code runs inside the checker's process, so a submission that sets out
// to forge its results can (for example by printing fake JSON at exit). The
// grader cannot prevent that without a second process boundary; it flags the
// code that would be needed, for the instructor to read. Flags never change
// a grade.

import type { RawSubmission } from './types.ts';

const SUSPICIOUS: { pattern: RegExp; why: string }[] = [
  { pattern: /process\s*\.\s*(stdout|stderr)\b/, why: "writes to the checker's stdout/stderr" },
  // process.kill is not here: emptying a v1 cgroup (step 4) is sending SIGKILL to each pid of cgroup.procs
  { pattern: /process\s*\.\s*(exit|abort|reallyExit)\b/, why: "ends the checker's process itself" },
  { pattern: /process\s*\.\s*on\s*\(|process\s*\.\s*once\s*\(/, why: 'installs process-wide handlers' },
  {
    pattern: /kit\/check(-bench)?\.ts|kit\/tools\/check\/|\bchecks\//,
    why: 'refers to the check context, the check framework or the checks',
  },
  // a call, not the name: step 7's seccomp deny list names setns
  { pattern: /\bsetns\s*\(|\/proc\/1\/ns\b/, why: "enters other namespaces (the grader's sandbox?)" },
  { pattern: /globalThis|Object\.defineProperty\s*\(\s*(console|JSON|process)/, why: 'patches globals' },
];

export function reviewNotes(raw: RawSubmission): string[] {
  const notes: string[] = [];
  for (const s of raw.steps) {
    const text = s.data.toString('utf8');
    for (const { pattern, why } of SUSPICIOUS) {
      if (pattern.test(text)) notes.push(`review steps/${s.file}: ${why}`);
    }
  }
  return notes;
}
