// `npm run preflight`: check the machine and install missing Debian packages.

import { KIT_REQUIREMENTS, LXC_REQUIREMENTS, TEST_REQUIREMENTS, preflight } from '../../host/preflight.ts';
import { browserInstall, findChromium, PDF_REQUIREMENT } from '../report/pdf.ts';
import { parseArgs } from './args.ts';
import type { Command } from './command-type.ts';
import { say } from './output.ts';
import { ensureLinux, ensureRoot } from './privileges.ts';

export const preflightCommand: Command = {
  usage: `usage: npm run preflight [-- [--yes] [--lxc] [--pdf] [--tests] [--quiet]]

Checks that this is Linux with namespaces, that you are root (re-runs through
sudo), and that the tools the kit uses are installed; offers to install the
missing Debian packages with apt-get (automatically with --yes or CI=true).

  --lxc     also install LXC (for step 5's comparison)
  --pdf     also install Chromium for the report's PDF (the package this
            distribution calls it: chromium on Debian, chromium-browser on Ubuntu)
  --tests   also install what the kit's own test suite uses (chromium, runc, tmux, lxc)`,
  async run(argv) {
    const args = parseArgs(argv, ['yes', 'lxc', 'pdf', 'tests', 'quiet']);
    ensureLinux();
    ensureRoot();
    const requirements = [
      ...KIT_REQUIREMENTS,
      ...(args.flags.tests ? TEST_REQUIREMENTS : args.flags.lxc ? LXC_REQUIREMENTS : []),
      ...(args.flags.pdf ? [PDF_REQUIREMENT] : []),
    ];
    await preflight({ yes: args.flags.yes === true, quiet: args.flags.quiet === true, requirements, log: say });
    if (!args.flags.pdf && !args.flags.quiet && !findChromium())
      say(`for the report's PDF (optional): ${browserInstall().command}, or npm run preflight -- --pdf`);
    return 0;
  },
};
