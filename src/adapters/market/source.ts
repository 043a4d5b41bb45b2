import type { Candle } from '../../core/candles/candle.js';
import type { Timeframe } from '../../core/candles/timeframe.js';

/** Where candles come from; shown to people as a banner when the data is not live. */
export type SourceLabel = 'LIVE' | 'REPLAY' | 'DEMO';

export type SourceState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'finished' | 'stopped' | 'failed';

/** Receives each closed base candle, in time order per symbol; the source awaits it (backpressure). */
export type CandleHandler = (symbol: string, candle: Candle) => void | Promise<void>;

/**
 * One interface for every market source: a live exchange (ccxt), a replay of files or of the
 * store, and the built-in demo simulator. A source only ever hands out CLOSED candles of the
 * base timeframe: the unclosed last candle of an exchange is never delivered.
 */
export interface MarketSource {
  /** `binance` (or another ccxt exchange id), `replay` or `demo`. */
  readonly kind: string;
  readonly label: SourceLabel;
  readonly timeframe: Timeframe;
  state(): SourceState;
  /** A line for logs and the status API, e.g. the last error or the replay speed. */
  describe(): string;
  /**
   * Closed candles of `symbol` opening in [from, to) (to defaults to now for a live source,
   * the end of the data for a replay), in time order. Used for warm-up and gap backfill.
   */
  history(symbol: string, from: number, to?: number): Promise<Candle[]>;
  /**
   * Starts delivering closed candles: for each symbol, those opening after `after.get(symbol)`
   * (or from the source's start when absent). Resolves once delivery has started.
   */
  start(after: ReadonlyMap<string, number>, onCandle: CandleHandler): Promise<void>;
  /** Adds a symbol at run time, delivering candles opening after `after`. */
  addSymbol(symbol: string, after?: number): Promise<void>;
  removeSymbol(symbol: string): void;
  /**
   * The price step of `symbol` (an exchange's market precision, a file's decimals), or null when
   * the source cannot tell (the pipeline then rounds nothing and prints prices adaptively).
   */
  tickSize(symbol: string): Promise<number | null>;
  /** Stops delivery; resolves when no handler call is running any more. */
  stop(): Promise<void>;
}
