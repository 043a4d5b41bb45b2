import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';

/**
 * One bar's Chaikin money flow volume, TA-Lib's way: ((c - l) - (h - c)) / (h - l) * v, and
 * nothing for a bar without range (h == l), which would otherwise divide by zero.
 */
export function moneyFlowVolume(high: number, low: number, close: number, volume: number): number {
  const range = high - low;
  return range > 0 ? ((close - low - (high - close)) / range) * volume : 0;
}

/** TA-Lib AD (Chaikin accumulation/distribution line): lookback 0, a running sum from 0. */
export class Ad implements BarIndicator {
  readonly lookback = 0;
  /** The line so far, in a number-only field: a `number | null` one would box every value. */
  private value = 0;
  private stable = false;

  update(bar: Bar): number | null {
    const ad = this.value + moneyFlowVolume(bar.high, bar.low, bar.close, bar.volume);
    this.value = ad;
    this.stable = true;
    return ad;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.value = 0;
    this.stable = false;
  }
}

/** TA-Lib AD over whole columns. */
export function ad(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
): Float64Array {
  const n = high.length;
  const out = new Float64Array(n);
  let value = 0;
  for (let i = 0; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const range = h - l;
    if (range > 0) {
      const c = close[i];
      value += ((c - l - (h - c)) / range) * volume[i];
    }
    out[i] = value;
  }
  return out;
}
