// The `report` command's entry for kit/cli/commands.ts; its modules load only
// when the command runs.

import type { Command } from '../cli/commands.ts';

export const REPORT_USAGE = `usage: npm run report [-- [--solution] [--steps-dir DIR] [--no-checks] [--no-pdf]]

Writes the lab report to results/: report.md, report.html and report.pdf
(the PDF needs Chromium). The report holds the container as the checks of
steps 1 to 4 observe it, the steps and why, the benchmark of step 5
(results/bench.json: run npm run bench first) and observations drawn from
its numbers. Edit report.md freely: running the command again rewrites only
the regions between <!-- kit:begin ... --> and <!-- kit:end ... -->.

  --solution        report on solutions/ instead of your steps/
  --steps-dir DIR   report on the step files in DIR
  --no-checks       do not run the checks (no root needed)
  --no-pdf          Markdown and HTML only`;

export const reportCli: Command = {
  summary: 'write the lab report (results/report.md, .html, .pdf)',
  usage: REPORT_USAGE,
  run: async (argv) => (await import('./command.ts')).reportCommand(argv),
};
