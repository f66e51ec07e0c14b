// What a CLI command module exports: its usage text (shown by --help) and a
// run function returning the exit code. The registry (./commands.ts) names
// each command with its summary and is the one place that loads its module,
// on demand; a command module never imports the registry.

export interface Command {
  usage: string;
  run(argv: string[]): Promise<number>;
}
