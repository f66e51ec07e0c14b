import { defineConfig } from 'vitest/config';

// Tests that need a pure cgroup v2 machine. `npm test` on a v1/hybrid host
// excludes them and runs them inside the kit's test VM instead (test/vm,
// test/integration/cgroup-v2-vm.test.ts); Node is 10-20x slower there, so
// both files share one fork without isolation: the kit's modules are imported once.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/v2/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    isolate: false,
    // transforms cached on disk: the host fills the cache (a run where every test
    // skips still imports them all), the VM reads it through its read-only view
    experimental: { fsModuleCache: true },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
