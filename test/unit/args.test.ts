import { describe, expect, it } from 'vitest';
import { KitError } from '../../kit/core/errors.ts';
import { booleanOptions, declaredOptions, optionsHelp, parseArgs, stepOptions } from '../../kit/tools/cli/args.ts';
import pid from '../../solutions/01-pid.ts';
import mount from '../../solutions/02-mount.ts';
import net from '../../solutions/03-net.ts';
import cgroups from '../../solutions/04-cgroups.ts';
import user from '../../solutions/06-user.ts';

describe('command-line parsing', () => {
  it('splits positionals, flags and the container command after --', () => {
    const a = parseArgs(['3', '--solution', '--memory', '128M', '--x=1', '--', 'sh', '-c', 'echo --solution'], ['solution']);
    expect(a.positional).toEqual(['3']);
    expect(a.flags).toEqual({ solution: true, memory: '128M', x: '1' });
    expect(a.rest).toEqual(['sh', '-c', 'echo --solution']);
  });
  it('a flag followed by another flag is boolean', () => {
    expect(parseArgs(['--json', '--solution']).flags).toEqual({ json: true, solution: true });
  });
});

// The steps' options: declared by the steps (the reference's declarations here), checked and typed by the CLI.
describe("step options from the steps' declarations", () => {
  const upTo4 = [pid, mount, net, cgroups];
  const KIT = ['solution', 'steps-dir', 'yes', 'trace'];
  const parse = (argv: string[], steps = upTo4) => stepOptions(parseArgs(argv, [...KIT, ...booleanOptions(steps)]).flags, steps, KIT);
  const failure = (argv: string[], steps = upTo4): KitError => {
    try {
      parse(argv, steps);
    } catch (err) {
      expect(err).toBeInstanceOf(KitError);
      return err as KitError;
    }
    throw new Error(`${argv.join(' ')} was accepted`);
  };

  it('step N has the options of steps 1..N (the union), spelt --kebab-case', () => {
    expect([...declaredOptions([pid]).keys()]).toEqual(['hostname']);
    const four = [...declaredOptions(upTo4).keys()];
    expect(four).toEqual(
      expect.arrayContaining([
        'hostname',
        'home-size',
        'home-image',
        'recreate-image',
        'subnet-pool',
        'ip-mode',
        'memory',
        'cpus',
        'pids',
        'pause-after',
      ]),
    );
    expect(four).not.toContain('uid-base');
    expect([...declaredOptions([...upTo4, user]).keys()]).toContain('uid-base');
  });

  it('gives the steps typed values: sizes in bytes, numbers, flags, enums', () => {
    expect(
      parse([
        '4',
        '--memory',
        '128M',
        '--cpus',
        '0.25',
        '--pids=10',
        '--recreate-image',
        '--ip-mode',
        'each',
        '--hostname',
        'box',
        '--solution',
        '--',
        'true',
      ]),
    ).toEqual({
      memory: 128 * 2 ** 20,
      cpus: 0.25,
      pids: 10,
      recreateImage: true,
      ipMode: 'each',
      hostname: 'box',
    });
    expect(parse(['--uid-base', '200000'], [...upTo4, user])).toEqual({ uidBase: 200000 });
    const lots = failure(['--uid-base', 'lots'], [...upTo4, user]);
    expect(lots.message).toMatch(/^--uid-base "lots" is not valid: expected a whole number/);
    expect([lots.page, lots.exitCode]).toEqual(['/steps/06-user#options', 2]);
  });

  it('a boolean option does not swallow the next word', () => {
    const a = parseArgs(['2', '--recreate-image', 'x'], booleanOptions([pid, mount]));
    expect(a.flags).toEqual({ 'recreate-image': true });
    expect(a.positional).toEqual(['2', 'x']);
  });

  it("refuses an option no step 1..N declares: names it and lists the ones there are (exit 2, the step's page)", () => {
    const e = failure(['--memroy', '128M']);
    expect(e.message).toMatch(/^Unknown option --memroy for step 4\. The steps' options here: --hostname, .*--memory/);
    expect(e.exitCode).toBe(2);
    expect(e.page).toBe('/steps/04-cgroups');
    expect(failure(['--memory', '1G'], [pid]).message).toMatch(/Unknown option --memory for step 1/);
  });

  it.each([
    [['--pids', 'lots'], /^--pids "lots" is not valid: expected a whole number/, '/steps/04-cgroups#options'],
    [['--cpus', 'half'], /^--cpus "half" is not valid: expected a number/, '/steps/04-cgroups#options'],
    [['--memory', 'lots'], /^--memory "lots" is not valid: expected a size with a unit, like 64M/, '/steps/04-cgroups#options'],
    [['--home-size', 'lots'], /^--home-size "lots" is not valid: expected a size/, '/steps/02-mount#options'],
    [['--ip-mode', 'fast'], /^--ip-mode "fast" is not valid: expected one of batch, each/, '/steps/03-net#options'],
    [['--memory'], /^--memory needs a value: expected a size/, '/steps/04-cgroups#options'],
    [['--recreate-image=maybe'], /^--recreate-image "maybe" is not valid/, '/steps/02-mount#options'],
  ])("refuses %j: names the option, the type it expects and its step's page (exit 2)", (argv, message, page) => {
    const e = failure(argv);
    expect(e.message).toMatch(message);
    expect(e.page).toBe(page);
    expect(e.exitCode).toBe(2);
  });

  it('the help lists each option with its value, help, step and default', () => {
    const help = optionsHelp(upTo4);
    expect(help).toMatch(/^ {2}--hostname NAME +the container's hostname \(step 1; default container\)$/m);
    expect(help).toMatch(/^ {2}--home-size SIZE +size of the \/home image, e\.g\. 64M \(step 2; default 64M\)$/m);
    expect(help).toMatch(/^ {2}--recreate-image +recreate .* \(step 2\)$/m);
    expect(help).toMatch(/^ {2}--ip-mode batch\|each +.* \(step 3; default batch\)$/m);
    expect(help).toMatch(/^ {2}--memory SIZE +memory limit \(step 4; default 256M\)$/m);
    expect(help).not.toMatch(/uid-base/);
  });
});
