// The one resolution of the steps folder every command uses (core/paths.ts).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { solutionsDir, stepsDir, stepsDirFrom } from '../../kit/core/paths.ts';
import { KitError } from '../../kit/core/errors.ts';

describe('stepsDirFrom', () => {
  it('resolves a relative --steps-dir against the working directory', () => {
    expect(stepsDirFrom({ 'steps-dir': 'my-steps' })).toBe(path.resolve('my-steps'));
    expect(path.isAbsolute(stepsDirFrom({ 'steps-dir': './x' }))).toBe(true);
  });
  it('--steps-dir wins over --solution; --solution picks solutions/; the default is steps/', () => {
    expect(stepsDirFrom({ 'steps-dir': '/tmp/s', solution: true })).toBe('/tmp/s');
    expect(stepsDirFrom({ solution: true })).toBe(solutionsDir);
    expect(stepsDirFrom({})).toBe(stepsDir);
  });
  it('--steps-dir without a folder is a clear error, not the default folder', () => {
    expect(() => stepsDirFrom({ 'steps-dir': true })).toThrow(KitError);
    expect(() => stepsDirFrom({ 'steps-dir': true })).toThrow(/--steps-dir needs a folder/);
  });
});
