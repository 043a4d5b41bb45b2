import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CandleHandler, MarketSource, SourceState } from '../src/adapters/market/source.js';
import { PostgresCandleStore } from '../src/adapters/store/postgres-candle-store.js';
import { PostgresDatabase } from '../src/adapters/store/postgres-database.js';
import { PostgresSignalStore } from '../src/adapters/store/postgres-signal-store.js';
import { buildApp } from '../src/api/app.js';
import { ConfigSchema } from '../src/config/schema.js';
import type { Candle } from '../src/core/candles/candle.js';
import { runBacktest } from '../src/runtime/backtest/backtest.js';
import { LiveRuntime } from '../src/runtime/live/live-runtime.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { freshSchema, hasPostgres, POSTGRES_URL, type TestSchema } from './support/postgres.js';
import { hasRealData, loadRealCandles } from './support/real-data.js';

/**
 * The write path when PostgreSQL goes away mid-run, for real: the connection is cut (a TCP proxy
 * in front of the server is stopped, or the server terminates the backends), the runtime keeps
 * its pipeline, buffers commits, reports it, stops taking candles when the buffer is full, and
 * once the store is back every signal is stored and published exactly once: the same as a
 * backtest of the same candles.
 */

/** Real BTCUSDT 1m candles each test feeds (one PostgreSQL commit each, about 2 ms here). */
const CANDLES = 7000;
/** The first test cuts the connection after this candle. */
const CUT_AT = 2500;
/** The second terminates the runtime's connections in the middle of every this many candles (10 times). */
const KILL_EVERY = 700;
const KEY = { exchange: 'scripted', symbol: 'BTCUSDT', timeframe: '1m' } as const;

/** Delivers candles of one symbol in order, awaiting the handler (as every source does). */
class ArraySource implements MarketSource {
  readonly kind = 'scripted';
  readonly label = 'REPLAY' as const;
  readonly timeframe = '1m' as const;
  delivered = 0;
  private run: Promise<void> | null = null;
  private done = false;

  constructor(
    private readonly candles: readonly Candle[],
    private readonly afterEach: (delivered: number) => void = () => {},
  ) {}

  async tickSize(): Promise<number | null> {
    return null;
  }
  state(): SourceState {
    return this.done ? 'finished' : this.run ? 'live' : 'idle';
  }
  describe(): string {
    return `${this.delivered} of ${this.candles.length} candles`;
  }
  async history(): Promise<Candle[]> {
    return [];
  }
  async start(_after: ReadonlyMap<string, number>, onCandle: CandleHandler): Promise<void> {
    this.run = (async () => {
      for (const c of this.candles) {
        await onCandle('BTCUSDT', c);
        this.delivered++;
        this.afterEach(this.delivered);
      }
      this.done = true;
    })();
  }
  async addSymbol(): Promise<void> {}
  removeSymbol(): void {}
  async stop(): Promise<void> {}
  finished(): Promise<void> {
    return this.run ?? Promise.resolve();
  }
}

/** A TCP proxy to the PostgreSQL server: stopping it cuts every connection and refuses new ones. */
class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly host: string,
    private readonly target: number,
  ) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Run {
  readonly created: string[];
  readonly candleTimes: number[];
  readonly states: string[];
}

/** Runs the candles through a LiveRuntime on PostgreSQL at `url`, calling `fault` after each candle. */
async function setUp(
  url: string,
  t: TestSchema,
  candles: readonly Candle[],
  fault: (n: number) => void,
  appName: string,
) {
  const config = ConfigSchema.parse({
    symbols: ['BTCUSDT'],
    engine: BUSY_ENGINE,
    store: { url, schema: t.schema, writeBuffer: 300, retryMs: 20, retryMaxMs: 200 },
  });
  const db = await PostgresDatabase.open({
    url,
    schema: t.schema,
    poolSize: 3,
    connectTimeoutMs: 1000,
    applicationName: appName,
  });
  const candleStore = new PostgresCandleStore(db);
  const signalStore = new PostgresSignalStore(candleStore);
  const source = new ArraySource(candles, fault);
  const runtime = new LiveRuntime({ config, source, candles: candleStore, signals: signalStore });
  const app = await buildApp({ runtime, signals: signalStore, candles: candleStore, config });
  cleanups.push(async () => {
    await app.close();
    await runtime.stop();
    await db.close();
  });
  const run: Run = { created: [], candleTimes: [], states: [] };
  runtime.bus.on('signal.created', (e) => run.created.push(e.signal.id));
  runtime.bus.on('candle.closed', (e) => {
    if (e.timeframe === '1m') run.candleTimes.push(e.candle.openTime);
  });
  runtime.bus.on('status', (e) => run.states.push(e.reason));
  return { config, db, candleStore, signalStore, source, runtime, app, run };
}

/** Nothing lost, nothing twice: the store and the bus hold what a backtest of the same candles makes. */
async function expectExactlyOnce(
  candles: readonly Candle[],
  run: Run,
  signalStore: PostgresSignalStore,
  candleStore: PostgresCandleStore,
  config: ReturnType<typeof ConfigSchema.parse>,
): Promise<void> {
  const backtest = await runBacktest({
    engine: config.engine,
    inputs: [{ path: 'memory', symbol: 'BTCUSDT', timeframe: '1m' }],
    feed: [candles.map((candle) => ({ symbol: 'BTCUSDT', candle }))],
    metrics: { bootstrapSamples: 0 },
  });
  const ids = backtest.signals.map((s) => s.signal.id);
  expect(ids.length).toBeGreaterThan(3);
  expect(run.created).toEqual(ids);
  expect(run.candleTimes).toEqual(candles.map((c) => c.openTime));
  expect(await candleStore.countCandles(KEY)).toBe(candles.length);
  expect(await signalStore.countSignals()).toBe(ids.length);
  for (const s of backtest.signals) {
    const stored = await signalStore.getSignal(s.signal.id);
    expect(stored?.outcome?.type ?? null, s.signal.id).toBe(s.outcome?.type ?? null);
  }
}

describe.skipIf(!hasPostgres || !hasRealData)('PostgreSQL cut mid-run under the live runtime', () => {
  const candles = hasRealData
    ? loadRealCandles('binance_BTCUSDT_1m_20260323-20260422.csv.gz').slice(0, CANDLES)
    : [];

  it('buffers while the server cannot be reached, stops taking candles when full, shows it, and loses nothing', async () => {
    const t = freshSchema('ap_fault');
    cleanups.push(() => t.drop());
    const target = new URL(POSTGRES_URL);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const url = `postgres://${target.username}@127.0.0.1:${proxy.port}${target.pathname}`;
    let cutAt = 0;
    const cut = (n: number) => {
      if (n === CUT_AT) {
        cutAt = n;
        void proxy.stop();
      }
    };
    const { config, candleStore, signalStore, source, runtime, app, run } = await setUp(
      url,
      t,
      candles,
      cut,
      `ap_fault_${randomBytes(3).toString('hex')}`,
    );
    await runtime.start(['BTCUSDT']);
    await until('the write buffer to fill', () => runtime.status().store.state === 'full');
    expect(cutAt).toBe(CUT_AT);
    // full: the source's handler waits, so no candle is taken (none dropped either)
    const stalledAt = source.delivered;
    expect(stalledAt).toBeLessThan(CUT_AT + 300 + 2);
    await new Promise((r) => setTimeout(r, 800));
    expect(source.delivered).toBe(stalledAt);
    const status = runtime.status().store;
    expect(status).toMatchObject({ state: 'full', buffered: 300, bound: 300 });
    expect(status.attempts).toBeGreaterThan(0);
    expect(status.lastError).toMatch(
      /PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/test .* is unavailable/,
    );
    // visible where operators look: /ready (503, naming the write buffer) and /api/v1/status
    const ready = await app.inject('/ready');
    expect(ready.statusCode).toBe(503);
    const checks = (ready.json() as { checks: Record<string, { ok: boolean; detail: string }> }).checks;
    expect(checks.store.ok).toBe(false);
    expect(checks.writes).toMatchObject({ ok: false });
    expect(checks.writes.detail).toMatch(/300 of at most 300 commits waiting .*not taking candles/);
    const api = (await app.inject('/api/v1/status')).json() as { store: { state: string; buffered: number } };
    expect(api.store).toMatchObject({ state: 'full', buffered: 300 });
    // nothing of what waits is published before it is stored
    expect(run.candleTimes.length).toBeLessThanOrEqual(CUT_AT);

    await proxy.start();
    await source.finished();
    await until('the buffer to drain', () => runtime.status().store.state === 'ok');
    expect(runtime.status().store).toMatchObject({ state: 'ok', buffered: 0, attempts: 0, lastError: null });
    expect(runtime.status().store.recovered).toBeGreaterThanOrEqual(300);
    expect(run.states).toEqual([
      'started',
      'store unreachable: buffering commits',
      'store unreachable: write buffer full, not taking candles',
      'store reachable again',
    ]);
    expect((await app.inject('/ready')).statusCode).toBe(200);
    await expectExactlyOnce(candles, run, signalStore, candleStore, config);
  });

  it('retries commits whose connection the server terminated mid-write: each stored once', async () => {
    const t = freshSchema('ap_fault');
    cleanups.push(() => t.drop());
    const appName = `ap_fault_${randomBytes(3).toString('hex')}`;
    const kills: Promise<unknown>[] = [];
    const kill = (n: number) => {
      // from a second connection, as an operator or a failover would
      if (n % KILL_EVERY === KILL_EVERY / 2) {
        kills.push(
          t.admin(
            'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1',
            [appName],
          ),
        );
      }
    };
    const { config, candleStore, signalStore, source, runtime, run } = await setUp(
      POSTGRES_URL,
      t,
      candles,
      kill,
      appName,
    );
    await runtime.start(['BTCUSDT']);
    await source.finished();
    await until('the buffer to drain', () => runtime.status().store.state === 'ok');
    const killed = (await Promise.all(kills)).map((r) => Number((r as { rows: { n: string }[] }).rows[0].n));
    expect(killed.length).toBe(10);
    expect(killed.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // at least one kill caught a commit in flight: it was buffered, retried and stored once
    expect(run.states.filter((s) => s === 'store unreachable: buffering commits').length).toBeGreaterThan(0);
    expect(runtime.status().store.recovered).toBeGreaterThan(0);
    await expectExactlyOnce(candles, run, signalStore, candleStore, config);
  });
});
