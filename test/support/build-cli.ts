import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';
import { CLI_BUILD_DIR, repoRoot } from './cli.js';

/**
 * vitest's global setup: compiles src/ (tests left out) to JavaScript in .test-dist/, file for
 * file like `npm run build` but with esbuild's transform only (no type check: `npm run typecheck`
 * does that), in well under a second. The tests that spawn the `alphapulse` command run it from
 * there: a process that loads compiled files starts in about half the time of one that compiles
 * every source through tsx's loader, and the suite spawns the command about a hundred times.
 * .test-dist/ sits beside src/ as dist/ does, so the paths the code finds from its own place
 * (models/, package.json, src/web/public) are the same. Rebuilt before each run and each re-run
 * of watch mode, so it never lags the sources.
 */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Compiles src/ into .test-dist/ (also for a bench that spawns the command, so it never runs a stale copy). */
export async function compileCli(): Promise<void> {
  // written over in place, not removed first: a test run (or the cluster bench) in the same
  // checkout may be starting the command from it right now. A file of a source since deleted
  // stays behind, imported by nothing.
  const src = join(repoRoot, 'src');
  await build({
    entryPoints: sources(src).map((f) => relative(repoRoot, f)),
    absWorkingDir: repoRoot,
    outbase: 'src',
    outdir: relative(repoRoot, CLI_BUILD_DIR),
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'error',
  });
}

export default async function setup(project: TestProject): Promise<void> {
  await compileCli();
  project.onTestsRerun(compileCli);
}
