import { defineConfig } from 'vitest/config';

// Tests that need a pure cgroup v2 machine. `npm test` on a v1/hybrid host
// excludes them and runs them inside a VM through cg2vm instead
// (test/integration/cgroup-v2-vm.test.ts); Node is 10-20x slower there.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/v2/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
