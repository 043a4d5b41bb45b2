import type { Timeframe } from './timeframe.js';

/**
 * One OHLCV candle. `openTime` is Unix milliseconds UTC of the candle's open, as Binance's
 * kline field 0; the candle closes when the next one opens.
 */
export interface Candle {
  readonly openTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly quoteVolume?: number;
  readonly trades?: number;
}

/** The price/volume part of a candle that indicators read. `Candle` satisfies it. */
export interface Bar {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** A candle built by the Aggregator from finer candles. */
export interface AggregatedCandle extends Candle {
  readonly timeframe: Timeframe;
  /** Number of finer candles it was built from. */
  readonly constituents: number;
  /** Number of finer candles a gap-free candle of this timeframe holds. */
  readonly expectedConstituents: number;
  /** False when some constituents were missing (a gap in the input). */
  readonly complete: boolean;
}

/** A series of candles as parallel columns: the shape batch indicators and bulk code use. */
export interface CandleColumns {
  readonly length: number;
  readonly openTime: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export function toColumns(candles: readonly Candle[]): CandleColumns {
  const n = candles.length;
  const cols = {
    length: n,
    openTime: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const c = candles[i];
    cols.openTime[i] = c.openTime;
    cols.open[i] = c.open;
    cols.high[i] = c.high;
    cols.low[i] = c.low;
    cols.close[i] = c.close;
    cols.volume[i] = c.volume;
  }
  return cols;
}

export function candlesEqual(a: Candle, b: Candle): boolean {
  return (
    a.openTime === b.openTime &&
    a.open === b.open &&
    a.high === b.high &&
    a.low === b.low &&
    a.close === b.close &&
    a.volume === b.volume
  );
}
