import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresCandleStore } from '../src/adapters/store/postgres-candle-store.js';
import { PostgresDatabase } from '../src/adapters/store/postgres-database.js';
import { PostgresSignalStore } from '../src/adapters/store/postgres-signal-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import type { Timeframe } from '../src/core/candles/timeframe.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import { testSignal } from '../test/support/signals.js';
import { fmt, writeResults } from './lib.js';
import {
  type ListingRequest,
  POSTGRES_URL,
  postgresPlans,
  SIGNALS,
  STEP,
  signalBatches,
  sqlitePlans,
  T0,
} from './signal-fixture.js';

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

const STRATEGIES = ['momentum', 'breakout', 'mean_reversion', 'scalping'] as const;
const TIMEFRAMES: readonly Timeframe[] = ['5m', '15m', '1h'];

const REQUESTS: readonly ListingRequest[] = [
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
  return signalBatches(({ i, symbol, createdAt, status }) => {
    const strategy = STRATEGIES[i % 4];
    const timeframe: Timeframe = i % 50 === 0 ? '1d' : TIMEFRAMES[i % 3];
    const direction = i % 2 ? 'SELL' : 'BUY';
    return testSignal({
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
  });
}

/** Version 6's listing indexes on SQLite: what migration 7 replaced. */
const SQLITE_BEFORE = `
  DROP INDEX signals_by_symbol_id; DROP INDEX signals_by_strategy; DROP INDEX signals_by_status;
  DROP INDEX signals_by_timeframe;
  CREATE INDEX signals_by_symbol ON signals (symbol, created_at);`;

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
    const before = sqlitePlans(db, REQUESTS);
    db.exec('ROLLBACK');
    plans.SQLite = { before, after: sqlitePlans(db, REQUESTS) };
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
      const before = await postgresPlans(c, REQUESTS);
      await c.query('ROLLBACK');
      plans.PostgreSQL = { before, after: await postgresPlans(c, REQUESTS) };
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
