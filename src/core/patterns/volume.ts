import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from '../indicators/indicator.js';
import { nanArray, requirePeriod } from '../indicators/params.js';
import { Float64Ring } from '../indicators/ring.js';

export const DEFAULT_VOLUME_PERIOD = 20;

/**
 * Volume confirmation: this bar's volume divided by the simple average volume of the
 * `period` bars BEFORE it. The current bar is left out of its own average so that a spike
 * is measured against the market it broke from (with it included, a 10x bar over 20 bars
 * reads as only ~6.9x, and the ratio can never exceed `period`).
 *
 * Warm-up: the first `period` bars only fill the window (lookback = period); bar
 * `period + 1` gives the first ratio, and `isStable()` is true from then on.
 *
 * Zero average: when all `period` previous volumes are zero (exchange outages leave
 * zero-volume placeholder candles), the ratio is undefined and the result is null, even
 * though the indicator is stable: there is no normal volume to compare with, so no
 * confirmation either way. Zero is detected by counting non-zero volumes (exact), not by
 * testing a floating sum.
 *
 * The running sum is recomputed from the window once every `period` bars, so rounding
 * cannot build up over a long stream, and at once when a departing volume was larger than
 * all that stayed, so a quiet window after a spike is not left with the spike's rounding
 * (O(1) per bar except for those recomputations, O(period); no allocation per update).
 */
export class VolumeRatio implements BarIndicator<number> {
  readonly period: number;
  readonly lookback: number;
  private readonly window: Float64Ring;
  private sum = 0;
  private nonZero = 0;
  private sinceResum = 0;
  private stable = false;
  private result: number | null = null;

  constructor(period: number = DEFAULT_VOLUME_PERIOD) {
    this.period = requirePeriod('VolumeRatio', 'period', period, 1);
    this.lookback = period;
    this.window = new Float64Ring(period);
  }

  update(bar: Bar): number | null {
    return this.push(bar.volume);
  }

  /** The same step on a bare volume, for callers that hold volumes as columns. */
  push(volume: number): number | null {
    const window = this.window;
    // A departing volume that outweighed what stayed (a spike leaving a quiet window) cancels
    // most digits of the running sum; the survivor would be mostly rounding error.
    let cancelled = false;
    if (window.isFull()) {
      this.stable = true;
      // Multiplying first keeps a tiny average from underflowing to 0 (0/0 would be NaN);
      // the sum check only guards against rounding leaving a non-positive sum.
      this.result = this.nonZero === 0 || !(this.sum > 0) ? null : (volume * this.period) / this.sum;
      const leaving = window.oldest();
      this.sum -= leaving;
      cancelled = leaving > this.sum;
      if (leaving !== 0) this.nonZero--;
    }
    window.push(volume);
    this.sum += volume;
    if (volume !== 0) this.nonZero++;
    if (++this.sinceResum === this.period || cancelled) this.resum();
    return this.result;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.result;
  }

  reset(): void {
    this.window.reset();
    this.sum = 0;
    this.nonZero = 0;
    this.sinceResum = 0;
    this.stable = false;
    this.result = null;
  }

  private resum(): void {
    const window = this.window;
    let sum = 0;
    for (let age = window.length - 1; age >= 0; age--) sum += window.ago(age);
    this.sum = sum;
    this.sinceResum = 0;
  }
}

/**
 * VolumeRatio over a whole series: same length, NaN for the first `period` values and
 * wherever the previous `period` volumes are all zero. Same arithmetic as the stream.
 */
export function volumeRatio(volume: Float64Array, period: number = DEFAULT_VOLUME_PERIOD): Float64Array {
  const stream = new VolumeRatio(period);
  const out = nanArray(volume.length);
  for (let i = 0; i < volume.length; i++) {
    const r = stream.push(volume[i]);
    if (r !== null) out[i] = r;
  }
  return out;
}
