import { defineConfig } from 'vitest/config';

// Real namespaces, mounts and cgroups: tests run as root in separate processes
// (koffi and process signal handlers do not belong in worker threads).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/v2/**', 'node_modules/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
