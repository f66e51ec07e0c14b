import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { solutionsDir, stepsDir } from '../../kit/core/paths.ts';
import { generateSkeletons, skeletonOf, todoRegions } from '../../kit/tools/skeleton.ts';

describe('skeletons generated from solutions', () => {
  it('replaces each @todo region by a todo() call at the same indentation', () => {
    const sol = ['a();', '  // @todo x: do x', '  x();', '  x2();', '  // @end', 'b();'].join('\n');
    expect(skeletonOf(sol)).toBe(['a();', '  todo("x", "do x");', 'b();'].join('\n'));
    expect(todoRegions(sol)).toEqual([{ id: 'x', task: 'do x', line: 2 }]);
  });

  it('rejects unbalanced markers', () => {
    expect(() => skeletonOf('// @todo x: y\nz')).toThrow(/no @end/);
    expect(() => skeletonOf('// @end')).toThrow(/without @todo/);
    expect(() => skeletonOf('// @todo a: b\n// @todo c: d\n// @end')).toThrow(/inside @todo/);
  });

  it('steps/ is exactly what solutions/ generates (run `npm run skeletons` after editing a solution)', () => {
    const generated = generateSkeletons(solutionsDir);
    expect(generated.size).toBeGreaterThan(0);
    for (const [name, text] of generated) {
      const file = path.join(stepsDir, name);
      expect(fs.existsSync(file), `steps/${name} is missing`).toBe(true);
      expect(fs.readFileSync(file, 'utf8'), `steps/${name} drifted from solutions/${name}`).toBe(text);
    }
  });

  it('every solution has at least one TODO, and TODO ids are unique per step', () => {
    for (const f of fs.readdirSync(solutionsDir)) {
      const ids = todoRegions(fs.readFileSync(path.join(solutionsDir, f), 'utf8')).map((r) => r.id);
      expect(ids.length, f).toBeGreaterThan(0);
      expect(new Set(ids).size, f).toBe(ids.length);
    }
  });
});
