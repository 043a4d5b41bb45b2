import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';

/**
 * TA-Lib OBV: lookback 0, the first value is the first bar's volume (not 0), then the volume
 * is added on a higher close, subtracted on a lower one, and ignored on an equal one.
 */
export class Obv implements BarIndicator {
  readonly lookback = 0;
  private prevClose = Number.NaN;
  private value = 0;
  private result: number | null = null;

  update(bar: Bar): number | null {
    const c = bar.close;
    if (this.result === null) {
      this.value = bar.volume;
    } else if (c > this.prevClose) {
      this.value += bar.volume;
    } else if (c < this.prevClose) {
      this.value -= bar.volume;
    }
    this.prevClose = c;
    this.result = this.value;
    return this.result;
  }

  isStable(): boolean {
    return this.result !== null;
  }

  getResult(): number | null {
    return this.result;
  }

  reset(): void {
    this.prevClose = Number.NaN;
    this.value = 0;
    this.result = null;
  }
}

/** TA-Lib OBV over whole columns (`close` is TA-Lib's inReal). */
export function obv(close: Float64Array, volume: Float64Array): Float64Array {
  const n = close.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  let value = volume[0];
  let prev = close[0];
  out[0] = value;
  // The sign is computed, not branched on: real closes go up and down unpredictably. Adding
  // +v, -v or 0 gives the same bits as TA-Lib's add / subtract / skip.
  for (let i = 1; i < n; i++) {
    const c = close[i];
    value += volume[i] * (+(c > prev) - +(c < prev));
    out[i] = value;
    prev = c;
  }
  return out;
}
