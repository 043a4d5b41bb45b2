import type { Candle, CandleColumns } from '../../src/core/candles/candle.js';

/** The candle at index `i` of `s`, as a stream takes it. */
export function candleAt(s: CandleColumns, i: number): Candle {
  return {
    openTime: s.openTime[i],
    open: s.open[i],
    high: s.high[i],
    low: s.low[i],
    close: s.close[i],
    volume: s.volume[i],
  };
}

/** Uniform numbers in [0, 1) from the C library's LCG: made-up series that are the same on every run. */
export function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}
