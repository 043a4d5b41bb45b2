import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { Float64Ring } from './ring.js';

/**
 * Weighted moving average (weights 1..period, newest heaviest), as TA-Lib's WMA: a running
 * weighted sum that each step gains `period * newest` and loses the plain window sum, so an
 * update is O(1). Lookback `period - 1`.
 */
export class Wma implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly divider: number;
  private readonly window: Float64Ring;
  private seen = 0;
  private weightedSum = 0;
  private windowSum = 0;
  /** The value that left the window last step, subtracted from the window sum this step. */
  private trailing = 0;
  private result: number | null = null;

  constructor(period: number) {
    this.period = requirePeriod('WMA', 'period', period, 2);
    this.lookback = period - 1;
    this.divider = (period * (period + 1)) / 2;
    this.window = new Float64Ring(period);
  }

  update(value: number): number | null {
    this.window.push(value);
    this.windowSum += value;
    if (this.seen < this.lookback) {
      this.weightedSum += value * ++this.seen;
      return null;
    }
    this.windowSum -= this.trailing;
    this.weightedSum += value * this.period;
    this.trailing = this.window.oldest();
    this.result = this.weightedSum / this.divider;
    this.weightedSum -= this.windowSum;
    return this.result;
  }

  isStable(): boolean {
    return this.result !== null;
  }

  getResult(): number | null {
    return this.result;
  }

  reset(): void {
    this.window.reset();
    this.seen = 0;
    this.weightedSum = 0;
    this.windowSum = 0;
    this.trailing = 0;
    this.result = null;
  }
}

/** WMA over a whole series: same length, NaN for the first `period - 1` values. */
export function wma(values: Float64Array, period: number): Float64Array {
  requirePeriod('WMA', 'period', period, 2);
  const n = values.length;
  const out = warmupArray(n, period - 1);
  if (n < period) return out;
  const divider = (period * (period + 1)) / 2;
  let weightedSum = 0;
  let windowSum = 0;
  for (let i = 0; i < period - 1; i++) {
    const x = values[i];
    windowSum += x;
    weightedSum += x * (i + 1);
  }
  let trailing = 0;
  for (let i = period - 1, t = 0; i < n; i++, t++) {
    const x = values[i];
    windowSum += x;
    windowSum -= trailing;
    weightedSum += x * period;
    trailing = values[t];
    out[i] = weightedSum / divider;
    weightedSum -= windowSum;
  }
  return out;
}
