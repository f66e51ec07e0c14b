// `npm run preflight`: check the machine and install missing Debian packages.

import { KIT_REQUIREMENTS, LXC_REQUIREMENTS, TEST_REQUIREMENTS, preflight } from '../preflight.ts';
import { parseArgs } from './args.ts';
import type { Command } from './commands.ts';
import { say } from './output.ts';
import { ensureLinux, ensureRoot } from './privileges.ts';

export const preflightCommand: Command = {
  summary: 'check the machine; install missing Debian packages',
  usage: `usage: npm run preflight [-- [--yes] [--lxc] [--tests] [--quiet]]

Checks that this is Linux with namespaces, that you are root (re-runs through
sudo), and that the tools the kit uses are installed; offers to install the
missing Debian packages with apt-get (automatically with --yes or CI=true).

  --lxc     also install LXC (for step 5's comparison)
  --tests   also install what the kit's own test suite uses (chromium, runc, tmux, lxc)`,
  async run(argv) {
    const args = parseArgs(argv, ['yes', 'lxc', 'tests', 'quiet']);
    ensureLinux();
    ensureRoot();
    const requirements = [
      ...KIT_REQUIREMENTS,
      ...(args.flags.tests ? TEST_REQUIREMENTS : args.flags.lxc ? LXC_REQUIREMENTS : []),
    ];
    await preflight({ yes: args.flags.yes === true, quiet: args.flags.quiet === true, requirements, log: say });
    return 0;
  },
};
