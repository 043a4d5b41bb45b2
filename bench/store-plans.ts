import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { PageRequest, SignalFilter } from '../src/adapters/store/ports.js';
import { PostgresCandleStore } from '../src/adapters/store/postgres-candle-store.js';
import { PostgresDatabase } from '../src/adapters/store/postgres-database.js';
import {
  POSTGRES_LIVE_TRADES,
  PostgresSignalStore,
  postgresListQuery,
} from '../src/adapters/store/postgres-signal-store.js';
import { SQLITE_LIVE_TRADES, sqliteListQuery } from '../src/adapters/store/signal-queries.js';
import { openSqlite, type SqliteDatabase } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import type { Timeframe } from '../src/core/candles/timeframe.js';
import type { Outcome } from '../src/core/outcomes/types.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import type { SignalStatus } from '../src/core/signals/types.js';
import { testSignal } from '../test/support/signals.js';
import { fmt, writeResults } from './lib.js';

/**
 * The query plans of the signal listing (`GET /api/v1/signals` with each filter, a cursor page)
 * and the live trades (`GET /api/v1/performance`), before and after migration 7 (the listing
 * indexes), on SQLite and PostgreSQL, over the same 50,000 signals after ANALYZE. "Before" is
 * the schema of version 6, rebuilt inside a transaction that is rolled back.
 *
 * The signals: 20 symbols, four strategies, 5m/15m/1h on most and 1d on one in 50, four per
 * 15 minutes over about 130 days; the newest 40 are PENDING or ACTIVE, the rest CLOSED or
 * EXPIRED; 60 % of the closed ones have a real outcome; one in three unpublished.
 */

const SIGNALS = 50_000;
const SYMBOLS = Array.from({ length: 20 }, (_, i) => `C${String(i).padStart(2, '0')}USDT`);
const STRATEGIES = ['momentum', 'breakout', 'mean_reversion', 'scalping'] as const;
const TIMEFRAMES: readonly Timeframe[] = ['5m', '15m', '1h'];
const STEP = 15 * 60_000;
const T0 = Date.UTC(2025, 0, 1);
const SINCE = T0 + 100 * 86_400_000;
const POSTGRES_URL = process.env.ALPHAPULSE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const REQUESTS: { readonly path: string; readonly filter: SignalFilter; readonly page: PageRequest }[] = [
  { path: '/api/v1/signals', filter: {}, page: { limit: 50 } },
  {
    path: '/api/v1/signals?cursor=(page 2)',
    filter: {},
    page: { limit: 50, after: { createdAt: T0 + 12_000 * STEP, id: 'C00USDT-zz' } },
  },
  { path: '/api/v1/signals?symbol=C07USDT', filter: { symbol: 'C07USDT' }, page: { limit: 50 } },
  {
    path: '/api/v1/signals?symbol=C07USDT&cursor=(page 2)',
    filter: { symbol: 'C07USDT' },
    page: { limit: 50, after: { createdAt: T0 + 12_000 * STEP, id: 'C07USDT-zz' } },
  },
  { path: '/api/v1/signals?status=ACTIVE', filter: { status: 'ACTIVE' }, page: { limit: 50 } },
  { path: '/api/v1/signals?strategy=breakout', filter: { strategy: 'breakout' }, page: { limit: 50 } },
  { path: '/api/v1/signals?timeframe=1d', filter: { timeframe: '1d' }, page: { limit: 50 } },
  {
    path: '/api/v1/signals?symbol=C07USDT&timeframe=1h&strategy=breakout',
    filter: { symbol: 'C07USDT', timeframe: '1h', strategy: 'breakout' },
    page: { limit: 50 },
  },
  { path: '/api/v1/signals?published=true', filter: { published: true }, page: { limit: 50 } },
];

function generate(): PipelineEvent[][] {
  const batches: PipelineEvent[][] = [];
  let batch: PipelineEvent[] = [];
  for (let i = 0; i < SIGNALS; i++) {
    const symbol = SYMBOLS[(i * 7) % SYMBOLS.length];
    const strategy = STRATEGIES[i % 4];
    const timeframe: Timeframe = i % 50 === 0 ? '1d' : TIMEFRAMES[i % 3];
    const direction = i % 2 ? 'SELL' : 'BUY';
    const createdAt = T0 + Math.floor(i / 4) * STEP;
    const open = i >= SIGNALS - 40;
    const status: SignalStatus = open ? (i % 2 ? 'ACTIVE' : 'PENDING') : i % 5 === 0 ? 'EXPIRED' : 'CLOSED';
    const signal = testSignal({
      id: `${symbol}-${timeframe}-${strategy}-${direction}-${String(i).padStart(6, '0')}`,
      symbol,
      strategy,
      timeframe,
      direction,
      createdAt,
      statusAt: createdAt + 3_600_000,
      expiresAt: createdAt + 86_400_000,
      status,
      published: i % 3 !== 1,
    });
    batch.push({ type: 'signal.created', signal });
    if (!open && i % 5 < 3) {
      const filled = i % 10 < 7;
      const outcome = {
        signalId: signal.id,
        symbol,
        direction: signal.direction,
        type: filled ? (i % 3 ? 'TP_HIT' : 'SL_HIT') : 'EXPIRED',
        reason: 'bench',
        policy: 'conservative',
        createdAt,
        entryPrice: signal.entryPrice,
        stopLoss: signal.stopLoss,
        filled,
        fillTime: filled ? createdAt + 60_000 : null,
        fillPrice: filled ? signal.entryPrice : null,
        exitTime: createdAt + 3_600_000,
        averageExitPrice: filled ? signal.entryPrice : null,
        targetsHit: 0,
        rMultiple: filled ? (i % 3 ? 1.5 : -1) : 0,
        returnPct: 0,
        fees: 0,
      } as unknown as Outcome;
      batch.push({ type: 'outcome.closed', outcome, signal, shadow: false });
    }
    if (batch.length >= 1000) {
      batches.push(batch);
      batch = [];
    }
  }
  if (batch.length) batches.push(batch);
  return batches;
}

/** Version 6's listing indexes on SQLite: what migration 7 replaced. */
const SQLITE_BEFORE = `
  DROP INDEX signals_by_symbol_id; DROP INDEX signals_by_strategy; DROP INDEX signals_by_status;
  DROP INDEX signals_by_timeframe;
  CREATE INDEX signals_by_symbol ON signals (symbol, created_at);`;

function sqlitePlans(db: SqliteDatabase): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of REQUESTS) {
    const q = sqliteListQuery(r.filter, r.page);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[];
    out[r.path] = plan.map((p) => p.detail).join('\n');
  }
  const trades = db
    .prepare(`EXPLAIN QUERY PLAN ${SQLITE_LIVE_TRADES}`)
    .all(SINCE, Number.MAX_SAFE_INTEGER) as {
    detail: string;
  }[];
  out['GET /api/v1/performance?since=... (liveTrades)'] = trades.map((p) => p.detail).join('\n');
  return out;
}

async function postgresPlans(c: pg.Client): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const explain = async (sql: string, params: unknown[]) => {
    const r = await c.query(
      `EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF, TIMING OFF, SUMMARY ON) ${sql}`,
      params,
    );
    return (r.rows as { 'QUERY PLAN': string }[]).map((x) => x['QUERY PLAN']).join('\n');
  };
  for (const r of REQUESTS) {
    const q = postgresListQuery(r.filter, r.page);
    out[r.path] = await explain(q.sql, q.params);
  }
  out['GET /api/v1/performance?since=... (liveTrades)'] = await explain(POSTGRES_LIVE_TRADES, [
    SINCE,
    Number.MAX_SAFE_INTEGER,
  ]);
  return out;
}

export async function runStorePlans(): Promise<void> {
  const batches = generate();
  const plans: Record<string, Record<string, Record<string, string>>> = {};

  const dir = mkdtempSync(join(tmpdir(), 'alphapulse-store-plans-'));
  const db = openSqlite(join(dir, 'alphapulse.db'));
  try {
    const signals = new SqliteSignalStore(db);
    for (const b of batches) await signals.commit(null, b);
    db.exec('ANALYZE');
    db.exec('BEGIN');
    db.exec(SQLITE_BEFORE);
    db.exec('ANALYZE');
    const before = sqlitePlans(db);
    db.exec('ROLLBACK');
    plans.SQLite = { before, after: sqlitePlans(db) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const schema = `ap_plans_${process.pid}`;
  let pgdb: PostgresDatabase | null = null;
  try {
    pgdb = await PostgresDatabase.open({ url: POSTGRES_URL, schema });
  } catch (e) {
    console.log(`PostgreSQL plans skipped: ${(e as Error).message}`);
  }
  if (pgdb) {
    const c = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
    try {
      const signals = new PostgresSignalStore(new PostgresCandleStore(pgdb));
      for (const b of batches) await signals.commit(null, b);
      await pgdb.query('ANALYZE');
      await c.connect();
      await c.query('BEGIN');
      await c.query('DROP INDEX signals_by_timeframe');
      const before = await postgresPlans(c);
      await c.query('ROLLBACK');
      plans.PostgreSQL = { before, after: await postgresPlans(c) };
    } finally {
      await c.end().catch(() => {});
      await pgdb.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
      await pgdb.close();
    }
  }

  console.log(`\n## Store: listing plans before and after migration 7 (${fmt(SIGNALS)} signals)`);
  for (const [store, sides] of Object.entries(plans)) {
    for (const [side, byQuery] of Object.entries(sides)) {
      console.log(`\n### ${store}, ${side}`);
      for (const [q, plan] of Object.entries(byQuery)) console.log(`\n${q}\n${plan}`);
    }
  }
  console.log(`\nraw plans: ${writeResults('store-plans', { signals: SIGNALS, plans })}`);
}
