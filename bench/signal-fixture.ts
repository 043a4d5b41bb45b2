import type pg from 'pg';
import type { PageRequest, SignalFilter } from '../src/adapters/store/ports.js';
import { POSTGRES_LIVE_TRADES, postgresListQuery } from '../src/adapters/store/postgres-signal-store.js';
import { SQLITE_LIVE_TRADES, sqliteListQuery } from '../src/adapters/store/signal-queries.js';
import type { SqliteDatabase } from '../src/adapters/store/sqlite-database.js';
import type { Outcome } from '../src/core/outcomes/types.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import type { Signal, SignalStatus } from '../src/core/signals/types.js';

/**
 * The stored signals the store benches (`store`, `store-plans`) share: 50,000 signals over 20
 * symbols, four per 15 minutes from 2025-01-01; the newest 40 PENDING or ACTIVE, the rest CLOSED
 * or EXPIRED (one in five); 60 % of the closed ones with a real outcome (70 % of those filled).
 */
export const SIGNALS = 50_000;
export const SYMBOLS = Array.from({ length: 20 }, (_, i) => `C${String(i).padStart(2, '0')}USDT`);
export const STEP = 15 * 60_000;
export const T0 = Date.UTC(2025, 0, 1);
/** The `since` of the performance query the plans show: 100 days in. */
export const SINCE = T0 + 100 * 86_400_000;
export const POSTGRES_URL =
  process.env.ALPHAPULSE_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** What the signal of row i is made of; `make` gives its body (each bench its own). */
export interface SignalSlot {
  readonly i: number;
  readonly symbol: string;
  readonly createdAt: number;
  readonly status: SignalStatus;
}

/** The events that store the signals, in batches of 1,000; `make` builds each signal. */
export function signalBatches(make: (slot: SignalSlot) => Signal): PipelineEvent[][] {
  const batches: PipelineEvent[][] = [];
  let batch: PipelineEvent[] = [];
  for (let i = 0; i < SIGNALS; i++) {
    const symbol = SYMBOLS[(i * 7) % SYMBOLS.length];
    const createdAt = T0 + Math.floor(i / 4) * STEP;
    const open = i >= SIGNALS - 40;
    const status: SignalStatus = open ? (i % 2 ? 'ACTIVE' : 'PENDING') : i % 5 === 0 ? 'EXPIRED' : 'CLOSED';
    const signal = make({ i, symbol, createdAt, status });
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

/** One listing request: the path it stands for, and what it asks of the store. */
export interface ListingRequest {
  readonly path: string;
  readonly filter: SignalFilter;
  readonly page: PageRequest;
}

const LIVE_TRADES = 'GET /api/v1/performance?since=... (liveTrades)';

/** SQLite's plan of each listing and of the live trades, by request path. */
export function sqlitePlans(db: SqliteDatabase, requests: readonly ListingRequest[]): Record<string, string> {
  const explain = (sql: string, params: readonly unknown[]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
      .map((p) => p.detail)
      .join('\n');
  const out: Record<string, string> = {};
  for (const r of requests) {
    const q = sqliteListQuery(r.filter, r.page);
    out[r.path] = explain(q.sql, q.params);
  }
  out[LIVE_TRADES] = explain(SQLITE_LIVE_TRADES, [SINCE, Number.MAX_SAFE_INTEGER]);
  return out;
}

/** PostgreSQL's executed plan (rows read, no timings) of each listing and of the live trades. */
export async function postgresPlans(
  c: pg.Client,
  requests: readonly ListingRequest[],
): Promise<Record<string, string>> {
  const explain = async (sql: string, params: unknown[]) => {
    const r = await c.query(
      `EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF, TIMING OFF, SUMMARY ON) ${sql}`,
      params,
    );
    return (r.rows as { 'QUERY PLAN': string }[]).map((x) => x['QUERY PLAN']).join('\n');
  };
  const out: Record<string, string> = {};
  for (const r of requests) {
    const q = postgresListQuery(r.filter, r.page);
    out[r.path] = await explain(q.sql, q.params);
  }
  out[LIVE_TRADES] = await explain(POSTGRES_LIVE_TRADES, [SINCE, Number.MAX_SAFE_INTEGER]);
  return out;
}
