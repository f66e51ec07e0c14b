// The registry of CLI commands: each one's name, its summary line and how its
// module is loaded. This is the one place a command's module is imported, and
// always the same way: on demand, when that command (or its --help) runs, so
// that `npm run step` loads neither grading nor the bench nor the report.

import type { Command } from './command-type.ts';
import { fullKitCommands, type FullKitCommand } from './full-kit.ts';

export interface CommandEntry {
  summary: string;
  load(): Promise<Command>;
}

/**
 * A command of the full kit only (grading, the kit's own benchmarks, making
 * skeletons and the student edition): in a copy without solutions/ (the
 * student edition) it explains itself. Its loader is in ./full-kit.ts, which
 * the edition replaces with a stub (kit/tools/release/generate.ts).
 */
const fullKitOnly = (name: FullKitCommand, summary: string): CommandEntry => ({
  summary: `${summary} (full kit only)`,
  async load() {
    (await import('../../core/edition.ts')).requireFullKit(name);
    return fullKitCommands[name]();
  },
});

export const commands: Record<string, CommandEntry> = {
  step: { summary: 'run the container of steps 1..N', load: async () => (await import('./step.ts')).stepCommand },
  exec: {
    summary: 'run a command in a running container (all its namespaces and its cgroup)',
    load: async () => (await import('./exec.ts')).execCommand,
  },
  ps: { summary: "list the kit's running containers: run ids, pids, namespaces", load: async () => (await import('./exec.ts')).psCommand },
  check: { summary: 'check step N (or every step) from the host', load: async () => (await import('./check.ts')).checkCommand },
  clean: { summary: 'remove what killed runs left behind', load: async () => (await import('./clean.ts')).cleanCommand },
  preflight: {
    summary: 'check the machine; install missing Debian packages',
    load: async () => (await import('./preflight.ts')).preflightCommand,
  },
  perf: fullKitOnly('perf', "the kit's own benchmarks (medians, ratios to peers)"),
  skeletons: fullKitOnly('skeletons', 'regenerate steps/ from solutions/ (maintainers)'),
  release: fullKitOnly('release', 'write the student edition (no solutions) to a folder'),
  menu: {
    summary: 'a menu of the steps: where you stand, check, run, hints, reset',
    load: async () => (await import('./menu.ts')).menuCommand,
  },
  watch: { summary: 're-check the step you are editing on every save', load: async () => (await import('./watch.ts')).watchCommand },
  hint: { summary: 'the next hint for step N (each call gives the next one)', load: async () => (await import('./hint.ts')).hintCommand },
  reset: { summary: 'put step N back to its skeleton (keeps a backup)', load: async () => (await import('./reset.ts')).resetCommand },
  bench: {
    summary: 'step 5: sysbench on the host, in your container and in LXC',
    load: async () => (await import('../bench/cli.ts')).benchCli,
  },
  report: {
    summary: 'write the lab report (results/report.md, .html, .pdf)',
    load: async () => (await import('../report/cli.ts')).reportCli,
  },
  grade: fullKitOnly('grade', 'grade a class: every submission, in a sandbox, with reports'),
  submit: {
    summary: 'pack your work into one zip for your instructor',
    load: async () => (await import('../submit/command.ts')).submitCli,
  },
};
