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
  /**
   * Judged from a benchmark (timing, a ratio of speeds): the grading mode
   * (`check --grading`, what `npm run grade` and the Classroom workflow run
   * by default) records it as `skipped`, worth no points either way, instead
   * of spending a benchmark on every student.
   */
  benchmark?: boolean;
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
  /**
   * not-graded: the grader did not grade this step on this machine (the
   * reference solution fails here: a broken machine must not cost students
   * points); every assertion is `skipped` with the reason, maxScore is 0.
   */
  status: 'pass' | 'fail' | 'not-attempted' | 'error' | 'not-graded';
  assertions: AssertionResult[];
  score: number;
  /** the points of every assertion but the skipped ones */
  maxScore: number;
  durationMs: number;
}
