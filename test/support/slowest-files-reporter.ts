import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the ten slowest test files after a run (collect + tests, in seconds): what to look at
 * first when the suite grows slow. CI enables it (`.ci/run`); locally: `npm test -- --reporter=default
 * --reporter=./test/support/slowest-files-reporter.ts`.
 */
export default class SlowestFilesReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const rows = modules
      .map((m) => {
        const d = m.diagnostic();
        return { file: relative(process.cwd(), m.moduleId), ms: d.collectDuration + d.duration };
      })
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10);
    const lines = rows.map((r) => `  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.file}`);
    process.stdout.write(`\nslowest test files (import + tests):\n${lines.join('\n')}\n`);
  }
}
