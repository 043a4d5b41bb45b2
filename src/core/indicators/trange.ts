import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { warmupArray } from './params.js';

/**
 * True range of one bar against the previous close, with TA-Lib's comparison order (the bar's
 * own range first, then the gaps from the previous close), so ties and NaNs resolve alike.
 */
export function trueRange(high: number, low: number, prevClose: number): number {
  let greatest = high - low;
  const fromHigh = Math.abs(prevClose - high);
  if (fromHigh > greatest) greatest = fromHigh;
  const fromLow = Math.abs(prevClose - low);
  if (fromLow > greatest) greatest = fromLow;
  return greatest;
}

/**
 * TA-Lib TRANGE. The first bar has no previous close, so like TA-Lib it gives no value
 * (lookback 1) rather than falling back to high - low as some packages do.
 */
export class TrueRange implements BarIndicator {
  readonly lookback = 1;
  private prevClose = Number.NaN;
  private seen = 0;
  /** The latest value, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  update(bar: Bar): number | null {
    const prevClose = this.prevClose;
    this.prevClose = bar.close;
    if (!this.stable) {
      if (this.seen++ === 0) return null;
      this.stable = true;
    }
    const range = trueRange(bar.high, bar.low, prevClose);
    this.value = range;
    return range;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.prevClose = Number.NaN;
    this.seen = 0;
    this.value = Number.NaN;
    this.stable = false;
  }
}

/** TA-Lib TRANGE over whole columns: NaN at index 0, then one true range per bar. */
export function trange(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const n = high.length;
  const out = warmupArray(n, 1);
  for (let i = 1; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const pc = close[i - 1];
    let greatest = h - l;
    const fromHigh = Math.abs(pc - h);
    if (fromHigh > greatest) greatest = fromHigh;
    const fromLow = Math.abs(pc - l);
    if (fromLow > greatest) greatest = fromLow;
    out[i] = greatest;
  }
  return out;
}
