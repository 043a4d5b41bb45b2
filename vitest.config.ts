import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // compiles src/ once per run for the tests that spawn the `alphapulse` command
    globalSetup: ['test/support/build-cli.ts'],
    pool: 'forks',
    // Files share a fork's module cache instead of re-importing the sources in a fresh process
    // each (about 1 s per file on 2 cores: 5m55 -> 4m15 for the whole suite, measured side by side
    // on 2026-12-04). No test relies on fresh module state: the core keeps no module-level mutable
    // state (issue 11.7), fake timers are restored by the tests that install them, and each test
    // uses its own ports, temp dirs, PostgreSQL schema and Redis prefix.
    isolate: false,
    // vitest's own default for `run` is one fork fewer than the CPUs: a single fork on a 2-core
    // machine, which then sits idle while a test waits on a child process (the CLI tests), a
    // socket or a database. Two forks at least keep both cores busy; every test that listens
    // uses port 0, temp dirs and its own PostgreSQL schema, so files can run side by side.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
