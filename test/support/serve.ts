import { type ChildProcess, spawn } from 'node:child_process';
import { cliCommand, repoRoot } from './cli.js';

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the real `alphapulse serve` in its own process (compiled from the sources, see ./cli.ts) and
 * resolves once it logs the address it serves on.
 */
export function startServe(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000,
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...cliCommand(), 'serve', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ALPHAPULSE_LOG__LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve did not start within ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    const onData = (b: Buffer) => {
      out += b.toString();
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const rec = JSON.parse(line) as { url?: string };
          if (rec.url) {
            clearTimeout(timer);
            resolve({
              child,
              url: rec.url.replace('localhost', '127.0.0.1'),
              output: () => out,
              stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
                if (child.exitCode === null) child.kill(signal);
                return exited;
              },
            });
            return;
          }
        } catch {
          // a partial line; wait for more
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before it served:\n${out}`));
    });
  });
}

/** Polls `GET url` until `done(json)` holds. */
export async function waitFor<T>(url: string, done: (body: T) => boolean, timeoutMs = 120_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) {
        const body = (await res.json()) as T;
        if (done(body)) return body;
      }
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `serve` arguments for a full-speed replay of `input` on a free local port. */
export function replayArgs(
  config: string,
  input: string,
  db: string,
  extra: readonly string[] = [],
): string[] {
  return [
    '--config',
    config,
    '--source',
    'replay',
    '--input',
    input,
    '--speed',
    'max',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--db',
    db,
    ...extra,
  ];
}

/** `serve` arguments for a worker of shard `shard` (`i/n`) replaying `inputs` at full speed. */
export function workerArgs(shard: string, inputs: readonly string[]): string[] {
  return ['--role', 'worker', '--shard', shard, '--source', 'replay', '--input', ...inputs, '--speed', 'max'];
}
