import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';

/**
 * TA-Lib OBV: lookback 0, the first value is the first bar's volume (not 0), then the volume
 * is added on a higher close, subtracted on a lower one, and ignored on an equal one.
 * As in the batch function the sign is computed rather than branched on (real closes go up
 * and down unpredictably); adding +v, -v or 0 gives the bits of TA-Lib's add / subtract / skip.
 */
export class Obv implements BarIndicator {
  readonly lookback = 0;
  private prevClose = Number.NaN;
  /** The latest OBV, in a number-only field: a `number | null` one would box every value. */
  private value = 0;
  private stable = false;

  update(bar: Bar): number | null {
    const c = bar.close;
    const prev = this.prevClose;
    this.prevClose = c;
    if (!this.stable) {
      this.value = bar.volume;
      this.stable = true;
      return this.value;
    }
    const obv = this.value + bar.volume * (+(c > prev) - +(c < prev));
    this.value = obv;
    return obv;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.prevClose = Number.NaN;
    this.value = 0;
    this.stable = false;
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
