import { defineConfig } from 'vitest/config';

// Real namespaces, mounts, loop devices, veths and cgroups: tests run as root
// in child processes (koffi and process signal handlers do not belong in
// worker threads), one file at a time, because checks compare the whole
// host's state before and after (mount table, links, loop devices) and a
// neighbouring test's resources would look like a leak.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/v2/**', 'node_modules/**'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // the v2 reporter's verdict comes after the summary: whether cgroup v2 was tested, and if not why
    reporters: ['default', './test/vm/v2-reporter.ts'],
  },
});
