// The `report` command: its usage, and the run in ./command.ts. The registry
// (kit/tools/cli/commands.ts) loads this module only when the command runs.

import type { Command } from '../cli/command-type.ts';
import { reportCommand } from './command.ts';

export const REPORT_USAGE = `usage: npm run report [-- [--solution] [--steps-dir DIR] [--no-checks] [--no-pdf]]

Writes your lab report to results/: report.md, report.html and report.pdf
(the PDF needs Chromium or Chrome: chromium, chromium-browser, the snap or
google-chrome; without one, print report.html from any browser). For each
step: what the kit observed (its check, run now; a summary of the container's
last trace, see npm run step N -- --trace), then questions you answer in your
own words; then the benchmark (results/bench.json, and every run kept with
npm run bench -- --label NAME). Running it again rewrites only the regions
between <!-- kit:begin ... --> and <!-- kit:end ... --> and keeps your
answers; it lists every question still unanswered.

  --solution        report on solutions/ instead of your steps/
  --steps-dir DIR   report on the step files in DIR
  --no-checks       do not run the checks (no root needed): use the results of
                    your last npm run check
  --no-pdf          Markdown and HTML only`;

export const reportCli: Command = {
  usage: REPORT_USAGE,
  run: reportCommand,
};
