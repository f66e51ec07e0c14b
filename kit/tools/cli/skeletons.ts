// `npm run skeletons`: regenerate steps/ from solutions/ (maintainers only).

import fs from 'node:fs';
import path from 'node:path';
import { solutionsDir, stepsDir } from '../../core/paths.ts';
import { generateSkeletons } from '../skeleton.ts';
import { parseArgs } from './args.ts';
import type { Command } from './command-type.ts';
import { say } from './output.ts';

export const skeletonsCommand: Command = {
  usage: `usage: npm run skeletons [-- --check]

Replaces every "// @todo id: task ... // @end" region of solutions/*.ts with
todo("id", "task") and writes the result to steps/. With --check, writes
nothing and fails when steps/ differs from what would be generated.`,
  async run(argv) {
    const args = parseArgs(argv, ['check']);
    let drift = 0;
    for (const [name, text] of generateSkeletons(solutionsDir)) {
      const dest = path.join(stepsDir, name);
      const current = fs.existsSync(dest) ? fs.readFileSync(dest, 'utf8') : undefined;
      if (current === text) continue;
      drift++;
      if (args.flags.check) say(`steps/${name} differs from its generated skeleton`);
      else {
        fs.mkdirSync(stepsDir, { recursive: true });
        fs.writeFileSync(dest, text);
        say(`wrote steps/${name}`);
      }
    }
    return args.flags.check && drift ? 1 : 0;
  },
};
