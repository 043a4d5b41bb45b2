import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { describeInputs } from '../src/adapters/market/file-inputs.js';
import { ReplaySource } from '../src/adapters/market/replay-source.js';
import type { CandleStore, SignalStore } from '../src/adapters/store/ports.js';
import { PostgresCandleStore } from '../src/adapters/store/postgres-candle-store.js';
import { PostgresDatabase } from '../src/adapters/store/postgres-database.js';
import { PostgresSignalStore } from '../src/adapters/store/postgres-signal-store.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { buildApp } from '../src/api/app.js';
import { ConfigSchema } from '../src/config/schema.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import type { Signal } from '../src/core/signals/types.js';
import { runBacktest } from '../src/runtime/backtest/backtest.js';
import { LiveRuntime } from '../src/runtime/live/live-runtime.js';
import { BUSY_ENGINE } from '../test/support/engine-fixtures.js';
import { DATA_DIR, fmt, table, writeResults } from './lib.js';
import {
  type ListingRequest,
  POSTGRES_URL,
  postgresPlans,
  SIGNALS,
  signalBatches,
  sqlitePlans,
} from './signal-fixture.js';

/**
 * `GET /api/v1/signals` under load, on SQLite and on PostgreSQL, with the same 50,000 stored
 * signals: autocannon in a child process (10 connections, 10 s per row) against the real
 * Fastify app on 127.0.0.1, and the query plans of the listings and the track record's trades.
 *
 * The signals: the real signals a backtest of BTCUSDT 1m (2024-07-26..08-25) with the busy test
 * engine makes, copied over 20 symbols and 15-minute steps (ids, symbols, times and statuses
 * rewritten; bodies otherwise as the engine wrote them, so rows are as large as real ones); 60 %
 * with a real outcome (70 % of those filled), the newest 40 PENDING or ACTIVE.
 */

const DURATION_S = 10;
const CONNECTIONS = 10;
const FILE = 'binance_BTCUSDT_1m_20240726-20240825.csv.gz';

interface Row {
  readonly store: string;
  readonly request: string;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly bytesPerReq: number;
  readonly errors: number;
}

/** Each request row: a path, and the filter it asks of the store (for the plans). */
const REQUESTS: readonly ListingRequest[] = [
  { path: '/api/v1/signals', filter: {}, page: { limit: 50 } },
  { path: '/api/v1/signals?limit=500', filter: {}, page: { limit: 500 } },
  { path: '/api/v1/signals?symbol=C07USDT', filter: { symbol: 'C07USDT' }, page: { limit: 50 } },
  {
    path: '/api/v1/signals?strategy=breakout&timeframe=1h',
    filter: { strategy: 'breakout', timeframe: '1h' },
    page: { limit: 50 },
  },
  { path: '/api/v1/signals?status=ACTIVE', filter: { status: 'ACTIVE' }, page: { limit: 50 } },
  { path: '/api/v1/signals?minConfidence=0.8', filter: { minConfidence: 0.8 }, page: { limit: 50 } },
];

async function templates(): Promise<Signal[]> {
  const inputs = await describeInputs([join(DATA_DIR, FILE)]);
  const bt = await runBacktest({
    engine: ConfigSchema.parse({ engine: BUSY_ENGINE }).engine,
    inputs,
    metrics: { bootstrapSamples: 0 },
  });
  return bt.signals.map((s) => s.signal);
}

function generate(base: readonly Signal[]): PipelineEvent[][] {
  return signalBatches(({ i, symbol, createdAt, status }) => {
    const t = base[i % base.length];
    return {
      ...t,
      id: `${symbol}-${t.timeframe}-${t.strategy}-${t.direction}-${String(i).padStart(6, '0')}`,
      symbol,
      createdAt,
      statusAt: createdAt + 3_600_000,
      expiresAt: createdAt + 86_400_000,
      status,
    };
  });
}

/** autocannon in a child process, so the load generator does not share the server's event loop. */
function autocannon(
  url: string,
): Promise<{ reqPerSec: number; p50Ms: number; p99Ms: number; bytesPerReq: number; errors: number }> {
  const cli = createRequire(import.meta.url).resolve('autocannon');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [cli, '-c', String(CONNECTIONS), '-d', String(DURATION_S), '-j', url],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err.trim().slice(-500)}`));
      const r = JSON.parse(out) as {
        requests: { average: number; total: number };
        latency: { p50: number; p99: number };
        throughput: { total: number };
        errors: number;
        non2xx: number;
      };
      resolve({
        reqPerSec: r.requests.average,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        bytesPerReq: r.requests.total ? r.throughput.total / r.requests.total : 0,
        errors: r.errors + r.non2xx,
      });
    });
  });
}

async function serve(
  signals: SignalStore,
  candles: CandleStore,
): Promise<{ app: FastifyInstance; base: string; runtime: LiveRuntime }> {
  const config = ConfigSchema.parse({
    symbols: ['C00USDT'],
    api: { host: '127.0.0.1', port: 0, rateLimit: { max: 100_000_000, timeWindowMs: 60_000 } },
  });
  const source = new ReplaySource({ inputs: [], timeframe: '1m', speed: 'max' });
  const runtime = new LiveRuntime({ config, source, candles, signals });
  const app = await buildApp({ runtime, signals, candles, config });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { app, base: `http://127.0.0.1:${port}`, runtime };
}

async function load(store: string, signals: SignalStore, candles: CandleStore): Promise<Row[]> {
  const { app, base } = await serve(signals, candles);
  const rows: Row[] = [];
  try {
    // the second page of the default listing, through the cursor the first page hands out
    const first = (await (await fetch(`${base}/api/v1/signals`)).json()) as { nextCursor: string };
    // /health first: what this server does for a trivial route under the machine's load now
    const paths = [
      '/health',
      ...REQUESTS.map((r) => r.path),
      `/api/v1/signals?cursor=${encodeURIComponent(first.nextCursor)}`,
    ];
    for (const path of paths) {
      const r = await autocannon(`${base}${path}`);
      rows.push({
        store,
        request: path.includes('cursor=') ? '/api/v1/signals?cursor=(page 2)' : path,
        ...r,
      });
    }
  } finally {
    await app.close();
  }
  return rows;
}

async function seed(store: SignalStore, batches: readonly PipelineEvent[][]): Promise<number> {
  const t = performance.now();
  for (const b of batches) await store.commit(null, b);
  return performance.now() - t;
}

export async function runStoreBench(): Promise<void> {
  if (!existsSync(join(DATA_DIR, FILE))) {
    console.log(`store bench skipped: ${FILE} is not in ${DATA_DIR} (set ALPHAPULSE_DATA_DIR)`);
    return;
  }
  const base = await templates();
  const batches = generate(base);
  const rows: Row[] = [];
  const plans: Record<string, Record<string, string>> = {};
  const seeding: Record<string, number> = {};

  const dir = mkdtempSync(join(tmpdir(), 'alphapulse-store-bench-'));
  const db = openSqlite(join(dir, 'alphapulse.db'));
  try {
    const signals = new SqliteSignalStore(db);
    seeding.SQLite = await seed(signals, batches);
    db.exec('ANALYZE');
    plans.SQLite = sqlitePlans(db, REQUESTS);
    rows.push(...(await load('SQLite', signals, new SqliteCandleStore(db))));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const schema = `ap_bench_${process.pid}`;
  let pgdb: PostgresDatabase | null = null;
  try {
    pgdb = await PostgresDatabase.open({ url: POSTGRES_URL, schema });
  } catch (e) {
    console.log(`PostgreSQL rows skipped: ${(e as Error).message}`);
  }
  if (pgdb) {
    try {
      const candles = new PostgresCandleStore(pgdb);
      const signals = new PostgresSignalStore(candles);
      seeding.PostgreSQL = await seed(signals, batches);
      await pgdb.query('ANALYZE');
      const c = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
      await c.connect();
      try {
        plans.PostgreSQL = await postgresPlans(c, REQUESTS);
      } finally {
        await c.end();
      }
      rows.push(...(await load('PostgreSQL', signals, candles)));
    } finally {
      await pgdb.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
      await pgdb.close();
    }
  }

  console.log(
    `\n## Store: GET /api/v1/signals under load (${fmt(SIGNALS)} signals stored; autocannon -c ${CONNECTIONS} -d ${DURATION_S} in a child process)`,
  );
  console.log(
    `seeding (${batches.length} commits of ~1,000 events): ${Object.entries(seeding)
      .map(([k, v]) => `${k} ${fmt(v)} ms`)
      .join(', ')}`,
  );
  console.log(
    table(
      ['store', 'request', 'req/s', 'p50 ms', 'p99 ms', 'KB/req', 'errors'],
      rows.map((r) => [
        r.store,
        r.request,
        fmt(r.reqPerSec),
        fmt(r.p50Ms, 1),
        fmt(r.p99Ms, 1),
        fmt(r.bytesPerReq / 1024, 1),
        r.errors,
      ]),
    ),
  );
  for (const [store, byQuery] of Object.entries(plans)) {
    console.log(`\n### ${store} plans`);
    for (const [q, plan] of Object.entries(byQuery)) console.log(`\n${q}\n${plan}`);
  }
  const path = writeResults('store', {
    signals: SIGNALS,
    connections: CONNECTIONS,
    durationS: DURATION_S,
    seedingMs: seeding,
    rows,
    plans,
  });
  console.log(`\nraw numbers: ${path}`);
}
