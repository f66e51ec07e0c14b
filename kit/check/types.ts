// What a check reports. The grader, the CLI, the site's "how it's checked"
// section and GitHub Classroom output are all made from these.

export type AssertionStatus = 'pass' | 'fail' | 'not-attempted' | 'error' | 'skipped';

/** Static description of one assertion; the site renders these. */
export interface AssertionSpec {
  /** stable id within the check, e.g. 'pid1' */
  id: string;
  /** human name, e.g. 'the probe is PID 1 in its namespace' */
  name: string;
  points: number;
  /** what to try when it fails */
  hint: string;
  /** site page (with anchor) that explains it */
  page: string;
}

export interface AssertionResult extends AssertionSpec {
  status: AssertionStatus;
  expected?: string;
  seen?: string;
  /** extra detail for not-attempted / error (e.g. which TODO is not done) */
  message?: string;
  /** failed because the machine was too busy to judge, not because of the
   * student's code: the grader runs such a step again, alone */
  inconclusive?: boolean;
}

export interface CheckResult {
  step: number;
  title: string;
  /** steps directory that was checked */
  stepsDir: string;
  status: 'pass' | 'fail' | 'not-attempted' | 'error';
  assertions: AssertionResult[];
  score: number;
  maxScore: number;
  durationMs: number;
}
