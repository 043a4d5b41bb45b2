import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryCache } from '../src/adapters/cache/cache.js';
import { redisRateLimitStore } from '../src/adapters/cache/rate-limit-store.js';
import { RedisCache } from '../src/adapters/cache/redis-cache.js';
import { RedisConnection } from '../src/adapters/redis/redis-connection.js';
import {
  freshPrefix,
  postgresRows,
  repeated,
  WsRecorder,
  workerArgs,
  writeClusterConfig,
  writeClusterData,
} from './support/cluster.js';
import { freshSchema, hasPostgres, POSTGRES_URL, type TestSchema } from './support/postgres.js';
import { hasRealData } from './support/real-data.js';
import { hasRedisServer, PrivateRedis } from './support/redis.js';
import { type ServeProcess, startServe, waitFor } from './support/serve.js';

/**
 * Redis going away and coming back, for real: a Redis of the test's own (redis-server on a free
 * port, append-only file) is stopped and started again while the processes run.
 */

interface Ready {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail: string }>;
}

/** GET /ready's body whatever its status (200 or 503). */
async function ready(url: string): Promise<Ready> {
  const res = await fetch(`${url}/ready`);
  return (await res.json()) as Ready;
}

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v !== null && done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!hasRedisServer)('the Redis cache and rate-limit store while Redis is away', () => {
  const redis = new PrivateRedis();
  const conns: RedisConnection[] = [];
  beforeAll(() => redis.start());
  afterAll(async () => {
    for (const c of conns) await c.close();
    await redis.destroy();
  });

  it('serve from memory while Redis is unreachable, say so once, and go back to Redis when it returns', async () => {
    const logs: string[] = [];
    const conn = new RedisConnection(redis.url, {
      name: 'cache',
      log: (_l, msg) => logs.push(msg),
      maxRetryMs: 200,
    });
    conns.push(conn);
    expect(await conn.connect()).toBe(true);
    const memory = new InMemoryCache();
    const cache = new RedisCache(conn, 'ap_t:');
    const other = new RedisCache(conn, 'ap_t:', memory);
    await cache.set('latest', 'v1', 60_000);
    // shared: another process's cache (another memory) reads it from Redis
    expect(await other.get('latest')).toBe('v1');
    expect(await cache.setIfAbsent('dedup:a', 60_000)).toBe(true);
    expect(await other.setIfAbsent('dedup:a', 60_000)).toBe(false);
    expect(cache.backend()).toBe('redis');

    await redis.stop();
    await conn.whenDown();
    expect(cache.backend()).toBe('memory');
    expect(conn.health()).toMatchObject({ state: 'down', outages: 1 });
    // what this process wrote is still served, new writes and dedup keys go on in memory
    expect(await cache.get('latest')).toBe('v1');
    await cache.set('latest', 'v2', 60_000);
    expect(await cache.get('latest')).toBe('v2');
    expect(await cache.setIfAbsent('dedup:b', 60_000)).toBe(true);
    expect(await cache.setIfAbsent('dedup:b', 60_000)).toBe(false);
    const Store = redisRateLimitStore(conn, 'ap_t:rl:');
    const store = new Store();
    const counts: number[] = [];
    for (let i = 0; i < 3; i++)
      counts.push(
        await new Promise<number>((resolve) =>
          store.incr('1.2.3.4', (_e, r) => resolve(r?.current ?? -1), 60_000),
        ),
      );
    expect(counts).toEqual([1, 2, 3]);

    await redis.start();
    await conn.whenUp();
    expect(cache.backend()).toBe('redis');
    await cache.set('latest', 'v3', 60_000);
    expect(await other.get('latest')).toBe('v3');
    const inRedis = await new Promise<number>((resolve) =>
      store.incr('1.2.3.4', (_e, r) => resolve(r?.current ?? -1), 60_000),
    );
    expect(inRedis).toBe(1);
    // one line when it went, one when it came back: not one per retry
    expect(logs.filter((l) => /unreachable/.test(l))).toHaveLength(1);
    expect(logs.filter((l) => /reachable again/.test(l))).toHaveLength(1);
  }, 60_000);
});

describe.skipIf(!hasRedisServer || !hasPostgres || !hasRealData)(
  'Redis stopped and started again under a worker and a gateway',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-redis-fault-'));
    const redis = new PrivateRedis();
    const procs: ServeProcess[] = [];
    let schema: TestSchema | null = null;

    afterEach(async () => {
      for (const p of procs.splice(0)) await p.stop('SIGKILL');
      await schema?.drop().catch(() => {});
      await redis.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('loses and duplicates no signal, and /ready shows the outage', async () => {
      await redis.start();
      const inputs = writeClusterData(dir, 1000);
      const config = writeClusterConfig(dir, { leasePollMs: 250 });
      schema = freshSchema('ap_redis_fault');
      const env = {
        DATABASE_URL: POSTGRES_URL,
        ALPHAPULSE_STORE__SCHEMA: schema.schema,
        REDIS_URL: redis.url,
        ALPHAPULSE_REDIS__KEY_PREFIX: freshPrefix(),
      };
      const common = ['--config', config, '--port', '0', '--host', '127.0.0.1'];
      const gateway = await startServe([...common, '--role', 'gateway', '--name', 'g0'], env, 120_000);
      procs.push(gateway);
      const client = await WsRecorder.connect(gateway.url);
      const worker = await startServe([...common, ...workerArgs('0/1', inputs)], env, 120_000);
      procs.push(worker);
      type Status = {
        finished: boolean;
        shards: { status: { pipeline: { candles: number } } | null }[];
        events: { pending: number; events: number; duplicates: number } | null;
        redis: { state: string; outages: number } | null;
      };
      const status = async () => (await (await fetch(`${worker.url}/api/v1/status`)).json()) as Status;
      const candles = (s: Status) => s.shards[0]?.status?.pipeline.candles ?? 0;
      await until('the worker to be under way', status, (s) => candles(s) >= 800);

      await redis.stop();
      // visible where operators look: the worker's /ready and status, the gateway's /ready (503)
      const down = await until(
        'the worker to see Redis gone',
        () => ready(worker.url),
        (r) => r.checks.redis?.ok === false,
      );
      expect(down.ok).toBe(true); // the worker carries on: Redis is not essential to it
      expect(down.checks.redis.detail).toMatch(/working on the in-memory cache/);
      const gwDown = await until(
        'the gateway to see Redis gone',
        () => ready(gateway.url),
        (r) => r.checks.events?.ok === false,
      );
      expect(gwDown.ok).toBe(false);
      // the worker keeps processing and holds its events until Redis is back
      const during = await until(
        'events held while Redis is away',
        status,
        (s) => (s.events?.pending ?? 0) > 0 && candles(s) >= 1600,
      );
      expect(during.redis?.state).toBe('down');

      await redis.start();
      const done = await until(
        'the worker to finish and send all it held',
        status,
        (s) => s.finished && s.events?.pending === 0 && s.redis?.state === 'up',
        240_000,
      );
      expect(done.redis?.outages).toBe(1);
      await until(
        'the gateway to be ready again',
        () => ready(gateway.url),
        (r) => r.ok,
      );
      await waitFor<{ cluster: { events: { events: number } | null } }>(
        `${gateway.url}/api/v1/status`,
        (s) => (s.cluster.events?.events ?? 0) >= (done.events?.events ?? 0),
        120_000,
      );

      const stored = await postgresRows(POSTGRES_URL, schema.schema);
      const published = stored.filter((r) => r.signal.published).map((r) => r.signal.id);
      const closed = stored.filter((r) => r.signal.published && r.outcome !== null).map((r) => r.signal.id);
      await client.until('every signal', () => client.created.length >= published.length);
      await client.until('every outcome', () => client.outcomes.length >= closed.length);
      expect(published.length).toBeGreaterThan(0);
      expect(repeated(client.created)).toEqual([]);
      expect([...client.created].sort()).toEqual([...published].sort());
      expect(repeated(client.outcomes)).toEqual([]);
      expect([...client.outcomes].sort()).toEqual([...closed].sort());
      console.info(
        `[redis-fault] Redis stopped at 800+ of 5000 candles; at candle ${candles(during)} the worker held ${during.events?.pending} events in memory; after it returned: ${published.length} published signals and ${closed.length} outcomes relayed once each (${done.events?.events} events, ${done.events?.duplicates} offered twice and dropped)`,
      );
      client.close();
    }, 400_000);
  },
);
