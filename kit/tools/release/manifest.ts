// What the student edition holds: an explicit manifest, so that it stays
// right when files move. The edition is
//   - the folders in COPY, as they are (minus SKIP);
//   - from kit/, exactly the modules the student's commands reach: the import
//     closure (static and dynamic imports) of KIT_ENTRIES, the steps and the
//     checks (through the check context kit/check.ts), never entering NEVER (grading, the kit's own benchmarks, making
//     skeletons and editions);
//   - the files in GENERATED, written by the release itself.
// test/integration/release.test.ts checks the output, not this list: no line
// of a solution's @todo region anywhere in it, and its commands work.

export const EDITION_MANIFEST = {
  /** copied whole (relative to the kit's root) */
  copy: ['steps', 'checks', 'native', 'bin', 'site', 'package-lock.json'],
  /** never copied, even inside COPY */
  skip: ['native/build', 'site/.vitepress/dist', 'site/.vitepress/cache', 'site/.vitepress/.temp', 'node_modules'],
  /**
   * where the student's commands start; their import closure is the edition's kit/.
   * The façades: kit/student.ts (steps/), kit/check.ts and kit/check-bench.ts (checks/, whose
   * files are entries too: kit/tools/release/command.ts adds them).
   */
  kitEntries: ['kit/tools/cli/main.ts', 'kit/student.ts', 'kit/check.ts', 'kit/check-bench.ts', 'kit/tools/grade/classroom-report.ts'],
  /** modules (or folders, ending in /) the closure never enters: the instructor's and maintainers' tools */
  never: [
    'kit/tools/cli/full-kit.ts',
    'kit/tools/grade/command.ts',
    'kit/tools/grade/throughput.ts',
    'kit/tools/cli/perf.ts',
    'kit/tools/cli/skeletons.ts',
    'kit/tools/perf/',
    'kit/tools/release/',
    'solutions/',
  ],
  /** npm scripts the edition does not have (the commands explain themselves if run another way) */
  scriptsRemoved: ['grade', 'skeletons', 'perf', 'perf:npm-floor', 'release', 'test'],
  /** written by the release: package.json, tsconfig.json and .gitignore adapted; the rest new */
  generated: [
    'package.json',
    'tsconfig.json',
    '.gitignore',
    'README.md',
    'kit/tools/cli/full-kit.ts',
    '.github/workflows/classroom.yml',
    'kit/edition/edition.json',
    'kit/edition/skeletons/',
  ],
} as const;
