import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

/**
 * Weighted moving average (weights 1..period, newest heaviest), as TA-Lib's WMA: a running
 * weighted sum that each step gains `period * newest` and loses the plain window sum, so an
 * update is O(1). Lookback `period - 1`. The window is a ring kept here, without helper calls.
 */
export class Wma implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly divider: number;
  private readonly window: Float64Array;
  /** Slot the next value goes to; once the window is full, the slot of the oldest value. */
  private slot = 0;
  private seen = 0;
  private weightedSum = 0;
  private windowSum = 0;
  /** The value that left the window last step, subtracted from the window sum this step. */
  private trailing = 0;
  /** The latest value, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(period: number) {
    this.period = requirePeriod('WMA', 'period', period, 2);
    this.lookback = period - 1;
    this.divider = (period * (period + 1)) / 2;
    this.window = new Float64Array(period);
  }

  update(value: number): number | null {
    const window = this.window;
    const slot = this.slot;
    const next = slot + 1 === this.period ? 0 : slot + 1;
    window[slot] = value;
    this.slot = next;
    const windowSum = this.windowSum + value;
    if (this.seen < this.lookback) {
      this.windowSum = windowSum;
      this.weightedSum += value * ++this.seen;
      return null;
    }
    this.windowSum = windowSum - this.trailing;
    const weightedSum = this.weightedSum + value * this.period;
    // The oldest value of this window: it leaves before the next update.
    this.trailing = window[next];
    const wma = weightedSum / this.divider;
    this.weightedSum = weightedSum - this.windowSum;
    this.value = wma;
    this.stable = true;
    return wma;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.slot = 0;
    this.seen = 0;
    this.weightedSum = 0;
    this.windowSum = 0;
    this.trailing = 0;
    this.value = Number.NaN;
    this.stable = false;
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
