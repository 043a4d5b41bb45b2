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

/** What a transaction of `CandleStore.atomically` may write through. */
export interface CandleWriter {
  upsertCandles(key: SeriesKey, candles: readonly Candle[]): Promise<UpsertResult>;
}

/**
 * The port every candle store implements (SQLite by default; PostgreSQL later). Asynchronous,
 * so that a store behind a network connection fits behind it as well as an embedded one.
 */
export interface CandleStore extends CandleWriter {
  /**
   * Runs `work`; what it writes through `tx` is kept only if `work` resolves. The transaction
   * is explicit so that a pooled store can hold one connection for it.
   */
  atomically<T>(work: (tx: CandleWriter) => Promise<T>): Promise<T>;
  getCandles(key: SeriesKey, range?: TimeRange): Promise<Candle[]>;
  /**
   * The candles of `range` in open-time order, a page at a time: memory stays bounded, and no
   * read is held open while the consumer awaits a page, so writes can go on in between.
   */
  candlePages(key: SeriesKey, range?: TimeRange): AsyncIterable<readonly Candle[]>;
  countCandles(key: SeriesKey, range?: TimeRange): Promise<number>;
  /** Open time of the latest stored candle of the series, or null when it has none. */
  lastOpenTime(key: SeriesKey): Promise<number | null>;
  listSeries(): Promise<SeriesInfo[]>;
  findSeries(exchange: string, symbol: string): Promise<SeriesInfo[]>;
  gaps(key: SeriesKey, range?: TimeRange): Promise<Gap[]>;
  close(): Promise<void>;
}
