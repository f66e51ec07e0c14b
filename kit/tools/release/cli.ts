// The `release` command (full kit only): its usage, and the run in
// ./command.ts. The registry loads it through kit/tools/cli/full-kit.ts.

import type { Command } from '../cli/command-type.ts';
import { releaseCommand } from './command.ts';

export const RELEASE_USAGE = `usage: npm run release -- --out DIR [--trusted-kit OWNER/NAME@REF] [--force]

Writes the student edition of the kit to DIR: what students clone, and what a
GitHub Classroom template repository holds. It has the step skeletons, the
checks, the course site and the part of kit/ the student's commands use; it
has no solutions/, no reference helpers, no grading, perf or release tools
(the manifest: kit/tools/release/manifest.ts). Its README says which edition it is.

  --out DIR                   where to write it (must not exist, or be empty)
  --trusted-kit OWNER/NAME@REF  the instructor's full kit, from which the edition's
                              Classroom workflow takes the checks and the kit
                              (default: a placeholder the workflow refuses to run with)
  --force                     replace DIR if it exists`;

export const releaseCli: Command = {
  usage: RELEASE_USAGE,
  run: releaseCommand,
};
