// What this kernel really says, next to what the kit's errno table claims
// (kit/core/errno-table.ts): pivot_root without the bind mount of the rootfs.

import { describe, expect, it } from 'vitest';
import { runContainer } from '../../kit/host/run.ts';
import { chdir, mount, pivot_root } from '../../kit/core/ops.ts';
import { solutionsDir } from '../../kit/core/paths.ts';
import { ensureRootfs } from '../../kit/host/image/rootfs.ts';
import { ChildOpError } from '../../kit/core/spawn.ts';
import type { StepDefinition } from '../../kit/core/types.ts';

describe('pivot_root without the bind mount', () => {
  it('fails with an errno whose hint tells the student to bind-mount the rootfs (EBUSY on the course kernel)', async () => {
    const rootfs = ensureRootfs(() => undefined);
    const step: StepDefinition = {
      id: 2,
      name: 'mount',
      title: 'no bind mount',
      page: '/steps/02-mount',
      configure(_ctx, spec) {
        spec.cloneFlags.add('CLONE_NEWNS');
        spec.ops.push(mount(null, '/', null, ['MS_REC', 'MS_PRIVATE']), chdir(rootfs), pivot_root('.', '.'));
      },
    };
    const err = await runContainer({ steps: [step], options: { argv: ['true'], solution: true, stepsDir: solutionsDir } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ChildOpError);
    const e = err as ChildOpError;
    // EBUSY when the rootfs is on the root's own mount (the course machine), EINVAL on another mount
    expect(['EBUSY', 'EINVAL']).toContain(e.errno);
    expect(e.hint).toMatch(/[Bb]ind-mount the rootfs onto itself/);
  });
});
