import { describe, expect, it } from 'vitest';
import { camel, parseArgs } from '../../kit/tools/cli/args.ts';

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
  it('camel-cases option names for steps', () => {
    expect(camel('image-size')).toBe('imageSize');
  });
});
