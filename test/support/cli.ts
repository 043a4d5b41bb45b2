import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where vitest's global setup (./build-cli.ts) compiles src/ to, beside src/ as dist/ is. */
export const CLI_BUILD_DIR = join(repoRoot, '.test-dist');

/**
 * The node arguments that run the `alphapulse` command: the compiled copy of the sources that
 * the global setup wrote for this run, or (a test file run outside vitest's setup) the sources
 * through tsx's loader.
 */
export function cliCommand(): string[] {
  const compiled = join(CLI_BUILD_DIR, 'cli', 'main.js');
  if (existsSync(compiled)) return ['--enable-source-maps', compiled];
  // absolute, so the command can run from any working directory
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsxLoader, join(repoRoot, 'src', 'cli', 'main.ts')];
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `alphapulse` command, compiled from the current sources by the global setup, in
 * a separate process as a user would.
 */
export function runCli(
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const r = spawnSync(process.execPath, [...cliCommand(), ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `runCli` without blocking the event loop: for a command that needs this process to answer meanwhile. */
export function runCliAsync(
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...cliCommand(), ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

/** A long-running `alphapulse` process (a worker, a server): wait for a line, then stop it. */
export interface RunningCli {
  /** Resolves once stdout has printed something matching `pattern`; rejects if the process ends first. */
  ready(pattern: RegExp): Promise<void>;
  stop(signal?: NodeJS.Signals): void;
  output(): string;
}

export function startCli(args: readonly string[], opts: { env?: NodeJS.ProcessEnv } = {}): RunningCli {
  const child = spawn(process.execPath, [...cliCommand(), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env },
  });
  let out = '';
  const waiters: { pattern: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.pattern.test(out)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    check();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  child.on('close', (code) => {
    for (const w of waiters.splice(0))
      w.reject(new Error(`process ended (${code}) before ${w.pattern}: ${out}`));
  });
  return {
    ready: (pattern) =>
      new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve, reject });
        check();
      }),
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
    },
    output: () => out,
  };
}
