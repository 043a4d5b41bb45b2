import type pg from 'pg';
import type { Candle } from '../../core/candles/candle.js';
import { findGaps, type Gap } from '../../core/candles/validation.js';
import type { CandleStore, CandleWriter, SeriesInfo, SeriesKey, TimeRange, UpsertResult } from './ports.js';
import type { PostgresDatabase } from './postgres-database.js';
import type { PendingPartitions } from './postgres-partitions.js';
import { StoreError } from './store-errors.js';
import { checkCandles } from './store-input.js';
import {
  CANDLE_COLUMNS,
  type CandleRow,
  candlePagesOf,
  candleValues,
  MAX_TIME,
  type SeriesRow,
  seriesInfoOf,
  toCandle,
} from './store-rows.js';

/** Rows per statement: arrays bound once per chunk, so the parameter count stays fixed. */
const CHUNK = 5000;

/** Identical rows change nothing (a re-import counts them unchanged); different ones replace. */
const UPSERT_SET = `ON CONFLICT (series_id, open_time) DO UPDATE SET
    open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
    volume = EXCLUDED.volume, quote_volume = EXCLUDED.quote_volume, trades = EXCLUDED.trades
  WHERE (candles.open, candles.high, candles.low, candles.close, candles.volume, candles.quote_volume, candles.trades)
    IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume, EXCLUDED.quote_volume, EXCLUDED.trades)`;

/**
 * One statement per chunk: `existing` counts the chunk's rows stored before (every part of a
 * statement sees the same snapshot, so not what `up` writes), `changed` what was written.
 */
const UPSERT_COUNTED = `WITH input AS (
    SELECT * FROM unnest($2::bigint[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::bigint[])
      AS u(open_time, open, high, low, close, volume, quote_volume, trades)
  ), up AS (
    INSERT INTO candles (series_id, ${CANDLE_COLUMNS}) SELECT $1, * FROM input
    ${UPSERT_SET}
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM candles c
           WHERE c.series_id = $1 AND c.open_time >= $10 AND c.open_time <= $11 AND c.open_time = ANY($2::bigint[])) AS existing,
         (SELECT count(*) FROM up) AS changed`;

const UPSERT_ONE = `INSERT INTO candles (series_id, ${CANDLE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  ${UPSERT_SET}`;

/** A connection inside a transaction, with the partitions that transaction has created. */
export interface PostgresTx {
  readonly client: pg.PoolClient;
  readonly pending: PendingPartitions;
}

/** The last of each open time, in time order: one statement must not touch a row twice. */
function distinctByTime(candles: readonly Candle[]): readonly Candle[] {
  let ordered = true;
  for (let i = 1; i < candles.length && ordered; i++) ordered = candles[i].openTime > candles[i - 1].openTime;
  if (ordered) return candles;
  const byTime = new Map<number, Candle>();
  for (const c of candles) byTime.set(c.openTime, c);
  return [...byTime.values()].sort((a, b) => a.openTime - b.openTime);
}

/**
 * Candles in PostgreSQL, one row per (series, open time), in monthly partitions. Upserts are
 * idempotent, with the same counts as SQLite's: identical rows are unchanged, different ones
 * replace the stored row and are counted as updated.
 */
export class PostgresCandleStore implements CandleStore {
  private readonly seriesIds = new Map<string, number>();
  private inAtomic = false;

  constructor(readonly db: PostgresDatabase) {}

  private async seriesId(c: pg.PoolClient, key: SeriesKey, create: boolean): Promise<number | null> {
    const k = `${key.exchange}\u0000${key.symbol}\u0000${key.timeframe}`;
    const hit = this.seriesIds.get(k);
    if (hit !== undefined) return hit;
    const params = [key.exchange, key.symbol, key.timeframe];
    const find = async () =>
      ((
        await c.query({
          name: 'ap_series_find',
          text: 'SELECT id FROM series WHERE exchange = $1 AND symbol = $2 AND timeframe = $3',
          values: params,
        })
      ).rows[0]?.id as number | undefined) ?? null;
    let id = await find();
    if (id === null && create) {
      const made = await c.query(
        'INSERT INTO series (exchange, symbol, timeframe) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id',
        params,
      );
      // another process made it at the same moment: this new statement sees its row
      id = (made.rows[0]?.id as number | undefined) ?? (await find());
    }
    if (id !== null) this.seriesIds.set(k, id);
    return id;
  }

  /** The series' id, creating the series when it is new. */
  private async ensureSeries(c: pg.PoolClient, key: SeriesKey): Promise<number> {
    const id = await this.seriesId(c, key, true);
    if (id === null)
      throw new StoreError(`could not create series ${key.exchange} ${key.symbol} ${key.timeframe}`);
    return id;
  }

  /**
   * Series ids cached while a transaction that rolled back was open may no longer exist: the
   * owner of such a transaction calls this after a rollback.
   */
  forgetSeriesIds(): void {
    this.seriesIds.clear();
  }

  /** Runs a transaction that may create series: their ids are forgotten when it rolls back. */
  async inTransaction<T>(work: (tx: PostgresTx) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction((client, pending) => work({ client, pending }));
    } catch (e) {
      this.forgetSeriesIds();
      throw e;
    }
  }

  /** Stores one candle (insert or replace) without counting: the live path's write inside a commit. */
  async storeCandle(tx: PostgresTx, key: SeriesKey, c: Candle): Promise<void> {
    const id = await this.ensureSeries(tx.client, key);
    // made before the transaction by the commit; here only if that was rolled back since
    await this.db.partitions.ensure(tx.client, tx.pending, 'candles', [c.openTime]);
    await tx.client.query({ name: 'ap_candle_upsert', text: UPSERT_ONE, values: candleValues(id, c) });
  }

  private async upsertIn(tx: PostgresTx, key: SeriesKey, given: readonly Candle[]): Promise<UpsertResult> {
    const candles = distinctByTime(given);
    const id = await this.ensureSeries(tx.client, key);
    await this.db.partitions.ensure(
      tx.client,
      tx.pending,
      'candles',
      candles.map((c) => c.openTime),
    );
    let existing = 0;
    let changed = 0;
    for (let i = 0; i < candles.length; i += CHUNK) {
      const part = candles.slice(i, i + CHUNK);
      const r = await tx.client.query({
        name: 'ap_candles_upsert',
        text: UPSERT_COUNTED,
        values: [
          id,
          part.map((c) => c.openTime),
          part.map((c) => c.open),
          part.map((c) => c.high),
          part.map((c) => c.low),
          part.map((c) => c.close),
          part.map((c) => c.volume),
          part.map((c) => c.quoteVolume ?? null),
          part.map((c) => c.trades ?? null),
          part[0].openTime,
          part[part.length - 1].openTime,
        ],
      });
      const row = r.rows[0] as { existing: number; changed: number };
      existing += row.existing;
      changed += row.changed;
    }
    const inserted = candles.length - existing;
    // a repeated open time in the input counts as unchanged, as its last value is what is stored
    return { inserted, updated: changed - inserted, unchanged: given.length - changed };
  }

  async upsertCandles(key: SeriesKey, candles: readonly Candle[]): Promise<UpsertResult> {
    checkCandles(key, candles);
    if (candles.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    await this.db.ensurePartitions(
      'candles',
      candles.map((c) => c.openTime),
    );
    return this.inTransaction((tx) => this.upsertIn(tx, key, candles));
  }

  async atomically<T>(work: (tx: CandleWriter) => Promise<T>): Promise<T> {
    if (this.inAtomic) throw new StoreError('atomically() cannot be nested');
    this.inAtomic = true;
    try {
      // one connection: what the work writes through `writer` is inside the transaction
      return await this.inTransaction((tx) =>
        work({
          upsertCandles: async (key, candles) => {
            checkCandles(key, candles);
            if (candles.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
            return this.upsertIn(tx, key, candles);
          },
        }),
      );
    } finally {
      this.inAtomic = false;
    }
  }

  private async select(key: SeriesKey, from: number, to: number, limit: number | null): Promise<Candle[]> {
    return this.db.run(async (c) => {
      const id = await this.seriesId(c, key, false);
      if (id === null) return [];
      const r = await c.query({
        name: 'ap_candles_select',
        text: `SELECT ${CANDLE_COLUMNS} FROM candles WHERE series_id = $1 AND open_time >= $2 AND open_time < $3
                ORDER BY open_time LIMIT $4`,
        values: [id, from, to, limit],
      });
      return (r.rows as CandleRow[]).map(toCandle);
    });
  }

  async getCandles(key: SeriesKey, range: TimeRange = {}): Promise<Candle[]> {
    return this.select(key, range.from ?? 0, range.to ?? MAX_TIME, range.limit ?? null);
  }

  candlePages(key: SeriesKey, range: TimeRange = {}): AsyncGenerator<Candle[]> {
    return candlePagesOf((from, to, limit) => this.select(key, from, to, limit), range);
  }

  async lastOpenTime(key: SeriesKey): Promise<number | null> {
    return this.db.run(async (c) => {
      const id = await this.seriesId(c, key, false);
      if (id === null) return null;
      const r = await c.query('SELECT MAX(open_time) AS t FROM candles WHERE series_id = $1', [id]);
      return (r.rows[0]?.t as number | null) ?? null;
    });
  }

  async countCandles(key: SeriesKey, range: TimeRange = {}): Promise<number> {
    return this.db.run(async (c) => {
      const id = await this.seriesId(c, key, false);
      if (id === null) return 0;
      const r = await c.query(
        'SELECT count(*) AS n FROM candles WHERE series_id = $1 AND open_time >= $2 AND open_time < $3',
        [id, range.from ?? 0, range.to ?? MAX_TIME],
      );
      return r.rows[0].n as number;
    });
  }

  async listSeries(): Promise<SeriesInfo[]> {
    return this.querySeries('', []);
  }

  async findSeries(exchange: string, symbol: string): Promise<SeriesInfo[]> {
    return this.querySeries('WHERE s.exchange = $1 AND s.symbol = $2', [exchange, symbol]);
  }

  private async querySeries(where: string, params: unknown[]): Promise<SeriesInfo[]> {
    const rows = await this.db.query<SeriesRow>(
      `SELECT s.exchange, s.symbol, s.timeframe, COUNT(c.open_time) AS count, MIN(c.open_time) AS first, MAX(c.open_time) AS last
         FROM series s JOIN candles c ON c.series_id = s.id ${where}
        GROUP BY s.id ORDER BY s.exchange, s.symbol, s.timeframe`,
      params,
    );
    return seriesInfoOf(rows);
  }

  async gaps(key: SeriesKey, range: TimeRange = {}): Promise<Gap[]> {
    const times = await this.db.run(async (c) => {
      const id = await this.seriesId(c, key, false);
      if (id === null) return null;
      const r = await c.query({
        text: 'SELECT open_time FROM candles WHERE series_id = $1 AND open_time >= $2 AND open_time < $3 ORDER BY open_time',
        values: [id, range.from ?? 0, range.to ?? MAX_TIME],
        rowMode: 'array',
      });
      return (r.rows as [number][]).map((row) => row[0]);
    });
    return times === null ? [] : findGaps(times, key.timeframe);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
