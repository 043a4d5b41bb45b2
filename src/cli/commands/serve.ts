import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError, configFor } from '../common.js';

interface ServeOptions {
  source?: string;
  input?: string[];
  speed?: string;
  port?: string;
  host?: string;
  db?: string;
  fallback: boolean;
  startDelay?: string;
  role: string;
  shard?: string;
  name?: string;
}

/** The dashboard's static files: src/web/public beside the package, from src or from dist. */
export function defaultWebRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'src', 'web', 'public');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'run the service: market feed -> signal pipeline -> store -> REST API, WebSocket and dashboard',
    )
    .option('--source <source>', 'binance (any ccxt exchange, see config `exchange`), replay or demo')
    .option('-i, --input <file...>', 'candle files to replay (with --source replay)')
    .option('--speed <n|max>', 'replay speed: market time per wall time (60 = an hour per minute) or max')
    .option('--port <n>', 'HTTP port (default 8000)')
    .option('--host <host>', 'address to listen on (default 0.0.0.0)')
    .option('--db <path>', 'database file (overrides config and ALPHAPULSE_DB)')
    .option(
      '--start-delay <ms>',
      'wait this long after the server is up before the feed starts (lets clients connect first)',
    )
    .option(
      '--role <role>',
      'all (one process: everything), worker (source + pipeline + outcomes of one shard; needs --shard, PostgreSQL, Redis) or gateway (REST, WebSocket, dashboard, relays; needs Redis); see docs/DEPLOYMENT.md',
      'all',
    )
    .option('--shard <i/n>', 'with --role worker: the shard this worker owns (0/2 and 1/2 for two workers)')
    .option(
      '--name <name>',
      'with --role gateway: its consumer group on the event stream (default host-port)',
    )
    .option(
      '--no-fallback',
      'fail instead of falling back to the demo source when the exchange cannot be reached',
    )
    .action(async (opts: ServeOptions, cmd: Command) => {
      if (opts.source && !['binance', 'replay', 'demo'].includes(opts.source)) {
        throw new CliError(`--source "${opts.source}" is not a source; use binance, replay or demo`);
      }
      let speed: number | 'max' | undefined;
      if (opts.speed !== undefined) {
        speed = opts.speed === 'max' ? 'max' : Number(opts.speed);
        if (speed !== 'max' && !(speed > 0))
          throw new CliError(`--speed "${opts.speed}" must be a positive number or max`);
      }
      let port: number | undefined;
      if (opts.port !== undefined) {
        port = Number(opts.port);
        if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
          throw new CliError(`--port "${opts.port}" is not a port number`);
      }
      const startDelayMs = opts.startDelay === undefined ? undefined : Number(opts.startDelay);
      if (
        startDelayMs !== undefined &&
        !(Number.isInteger(startDelayMs) && startDelayMs >= 0 && startDelayMs <= 600_000)
      ) {
        throw new CliError(
          `--start-delay "${opts.startDelay}" must be a whole number of milliseconds up to 600000`,
        );
      }
      if (!['all', 'worker', 'gateway'].includes(opts.role)) {
        throw new CliError(`--role "${opts.role}" is not a role; use all, worker or gateway`);
      }
      if (opts.role === 'worker' && opts.shard === undefined) {
        throw new CliError('--role worker needs --shard i/n (e.g. --shard 0/2)');
      }
      if (opts.role !== 'worker' && opts.shard !== undefined) {
        throw new CliError('--shard is for --role worker');
      }
      const { parseShard } = await import('../../runtime/cluster/shard.js');
      let shard: ReturnType<typeof parseShard> | undefined;
      try {
        shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const loaded = await configFor(cmd, opts.db);
      const serviceOptions = {
        loaded,
        source: opts.source as 'binance' | 'replay' | 'demo' | undefined,
        inputs: opts.input,
        speed,
        port,
        host: opts.host,
        fallback: opts.fallback,
        webRoot: defaultWebRoot(),
        startDelayMs,
      };
      // loaded on demand: the service pulls in the HTTP stack and ccxt, which other commands never need
      let svc: { readonly log: { info(msg: string): void }; close(): Promise<void> };
      if (shard) {
        const { startWorker } = await import('../../service/worker.js');
        svc = await startWorker({ ...serviceOptions, shard });
      } else if (opts.role === 'gateway') {
        const { startGateway } = await import('../../service/gateway.js');
        svc = await startGateway({
          loaded,
          name: opts.name,
          port,
          host: opts.host,
          webRoot: defaultWebRoot(),
        });
      } else {
        const { startService } = await import('../../service/service.js');
        svc = await startService(serviceOptions);
      }
      const shutdown = (signal: string) => {
        svc.log.info(`${signal}: shutting down`);
        svc.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      // keep running until a signal arrives
      await new Promise<void>(() => {});
    });
}
