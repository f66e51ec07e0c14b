#!/usr/bin/env node
// The kit's command line: `npm run <command> -- [options]`. Each command lives
// in its own module, loaded by the registry (./commands.ts); this file only
// dispatches and reports errors.

import './no-color.ts';
import { KitError } from '../../core/errors.ts';
import { reportError, surviveLostOutput } from './output.ts';
import { commands } from './commands.ts';

surviveLostOutput();

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const entry = name ? commands[name] : undefined;
  if (!entry) {
    const list = Object.entries(commands)
      .map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`)
      .join('\n');
    if (name && name !== '--help' && name !== 'help') {
      throw new KitError(`Unknown command "${name}". The commands are:\n${list}`, { exitCode: 2 });
    }
    process.stderr.write(`container-workshop commands (npm run <command> -- --help):\n${list}\n`);
    return 0;
  }
  const command = await entry.load();
  const own = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (own.includes('--help') || own.includes('-h')) {
    process.stderr.write(`${typeof command.usage === 'string' ? command.usage : await command.usage(own)}\n`);
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = reportError(err);
  },
);
