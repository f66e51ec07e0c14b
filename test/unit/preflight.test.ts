// Each step asks only for what the container of steps 1..N uses: step 1 ran
// only after sysbench (step 5's) was installed.

import { describe, expect, it } from 'vitest';
import { KIT_REQUIREMENTS, requirementsFor } from '../../kit/host/preflight.ts';

const pkgs = (step: number) =>
  requirementsFor(step)
    .map((r) => r.pkg)
    .sort();

describe('preflight per step', () => {
  it('asks each step for what steps 1..N use, and no more', () => {
    expect(pkgs(1)).toEqual(['gcc']);
    expect(pkgs(2)).toEqual(['busybox-static', 'e2fsprogs', 'gcc', 'util-linux']);
    expect(pkgs(3)).toEqual(['busybox-static', 'e2fsprogs', 'gcc', 'iproute2', 'util-linux']);
    expect(pkgs(4)).toEqual(pkgs(3));
    expect(pkgs(5)).toEqual(['busybox-static', 'e2fsprogs', 'gcc', 'iproute2', 'sysbench', 'util-linux']);
  });

  it('the whole kit (preflight, grade, bench) still asks for everything', () => {
    expect(requirementsFor(5)).toEqual(KIT_REQUIREMENTS);
    expect(requirementsFor(99)).toEqual(KIT_REQUIREMENTS);
  });
});
