import type { Candle } from '../../core/candles/candle.js';
import type { Timeframe } from '../../core/candles/timeframe.js';
import type { Gap } from '../../core/candles/validation.js';

/** Identifies one stored candle series. */
export interface SeriesKey {
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
}

export interface SeriesInfo extends SeriesKey {
  readonly count: number;
  readonly first: number;
  readonly last: number;
}

export interface UpsertResult {
  /** Rows that were not stored before. */
  readonly inserted: number;
  /** Rows that replaced a stored candle with different values. */
  readonly updated: number;
  /** Rows identical to what was stored. */
  readonly unchanged: number;
}

export interface TimeRange {
  /** Inclusive lower bound on open time (ms). */
  readonly from?: number;
  /** Exclusive upper bound on open time (ms). */
  readonly to?: number;
  /** At most this many candles (the earliest ones). */
  readonly limit?: number;
}

/** The port every candle store implements (SQLite by default; PostgreSQL later). */
export interface CandleStore {
  upsertCandles(key: SeriesKey, candles: readonly Candle[]): UpsertResult;
  /** Runs `work` so that either everything it wrote is kept or nothing is. */
  atomically<T>(work: () => Promise<T>): Promise<T>;
  getCandles(key: SeriesKey, range?: TimeRange): Candle[];
  iterateCandles(key: SeriesKey, range?: TimeRange): IterableIterator<Candle>;
  countCandles(key: SeriesKey, range?: TimeRange): number;
  listSeries(): SeriesInfo[];
  findSeries(exchange: string, symbol: string): SeriesInfo[];
  gaps(key: SeriesKey, range?: TimeRange): Gap[];
  close(): void;
}
