import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's own default for `run` is one fork fewer than the CPUs: a single fork on a 2-core
    // machine, which then sits idle while a test waits on a child process (the CLI tests), a
    // socket or a database. Two forks at least keep both cores busy. Files stay isolated (each
    // in a fresh process), and every test that listens uses port 0, temp dirs and its own
    // PostgreSQL schema, so files can run side by side.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
