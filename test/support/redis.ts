import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisConnection } from '../../src/adapters/redis/redis-connection.js';
import { freshPrefix } from './cluster.js';
import { redisReachable } from './services.js';

/**
 * The Redis the cluster tests talk to (GUIDE §7): 127.0.0.1:6379, or ALPHAPULSE_TEST_REDIS_URL.
 * Each test uses a key prefix of its own. Absent outside CI, the tests skip with a message;
 * under CI=true an absent server fails every file that needs it, naming it (as
 * test/support/postgres.ts does for PostgreSQL).
 */
export const REDIS_URL = process.env.ALPHAPULSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const hasRedis = await redisReachable(REDIS_URL);

if (!hasRedis) {
  if (process.env.CI === 'true') {
    throw new Error(
      `[redis] CI=true but Redis at ${REDIS_URL} does not answer: the Redis tests must run in CI; start Redis 7 on 127.0.0.1:6379 or set ALPHAPULSE_TEST_REDIS_URL`,
    );
  }
  console.warn(
    `[redis] Redis at ${REDIS_URL} does not answer: the Redis tests are skipped (set ALPHAPULSE_TEST_REDIS_URL to run them)`,
  );
}

/** Whether `redis-server` can be started here (for the tests that stop and start a Redis of their own). */
export const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

if (!hasRedisServer) {
  if (process.env.CI === 'true') {
    throw new Error(
      '[redis] CI=true but redis-server is not on the PATH: the Redis fault tests must run in CI',
    );
  }
  console.warn('[redis] redis-server is not on the PATH: the Redis fault tests are skipped');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A Redis of the test's own on a free port, persisting to an append-only file in a temporary
 * folder, so `stop` then `start` is a Redis restart that keeps its data (as a production Redis
 * for the event stream is configured; see docs/DEPLOYMENT.md).
 */
export class PrivateRedis {
  port = 0;
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'ap-redis-'));

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
    });
  }

  /** Stops the server (SIGTERM: it flushes its append-only file and exits). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The connections and key prefixes of a test on the shared Redis: `connect` opens one, `prefix`
 * names a fresh key prefix, `cleanUp` (for afterEach) deletes the prefixes' keys and closes the
 * connections.
 */
export function redisTestKit() {
  const conns: RedisConnection[] = [];
  const prefixes: string[] = [];
  const connect = async (): Promise<RedisConnection> => {
    const c = new RedisConnection(REDIS_URL, { name: 'test' });
    conns.push(c);
    await c.connect();
    return c;
  };
  const prefix = (): string => {
    const p = freshPrefix();
    prefixes.push(p);
    return p;
  };
  const cleanUp = async (): Promise<void> => {
    const admin = await connect();
    for (const p of prefixes.splice(0)) {
      const keys = await admin.client.keys(`${p}:*`);
      if (keys.length) await admin.client.del(...keys);
    }
    for (const c of conns.splice(0)) await c.close();
  };
  return { connect, prefix, cleanUp };
}
