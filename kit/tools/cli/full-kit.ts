// The commands only the full kit has (grading, the kit's own benchmarks,
// making skeletons and the student edition): the registry's (./commands.ts)
// loaders for them, kept apart so that the edition can swap them. The student
// edition leaves their modules out and replaces this file with a stub whose
// loaders explain that (kit/tools/release/generate.ts: editionFullKitStub), so that
// its commands and `npm run typecheck` work without them.

import type { Command } from './command-type.ts';

export type FullKitCommand = 'grade' | 'perf' | 'skeletons' | 'release';

export const fullKitCommands: Record<FullKitCommand, () => Promise<Command>> = {
  grade: async () => {
    const g = await import('../grade/command.ts');
    return { usage: g.GRADE_USAGE, run: (argv) => g.gradeCommand(argv) };
  },
  perf: async () => (await import('./perf.ts')).perfCommand,
  skeletons: async () => (await import('./skeletons.ts')).skeletonsCommand,
  release: async () => (await import('../release/cli.ts')).releaseCli,
};
