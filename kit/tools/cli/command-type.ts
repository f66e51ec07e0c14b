// What a CLI command module exports: its usage text (shown by --help) and a
// run function returning the exit code. The registry (./commands.ts) names
// each command with its summary and is the one place that loads its module,
// on demand; a command module never imports the registry.

export interface Command {
  /** shown by --help; a function when the help depends on the arguments (step N shows the options of steps 1..N) */
  usage: string | ((argv: string[]) => Promise<string>);
  run(argv: string[]): Promise<number>;
}
