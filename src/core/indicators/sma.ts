import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

/**
 * Simple moving average, as TA-Lib's SMA: a running sum that adds the newest value and
 * subtracts the one leaving the window, in TA-Lib's order, so the rounding matches too.
 * Lookback `period - 1`.
 *
 * The window is a ring inlined here (no helper calls per update). The sum kept between
 * updates still includes the oldest value: the next update subtracts it, read from the slot
 * the new value then overwrites, before adding the new value. That is TA-Lib's order of
 * operations (add, divide, subtract the oldest, add the next), so the bits are TA-Lib's, and
 * `getResult` divides the same sum again instead of an extra field being written on every
 * update. Nothing is stored in a `number | null` field, which would box each new value.
 */
export class Sma implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly window: Float64Array;
  /** Slot the next value goes to; once the window is full, the slot of the oldest value. */
  private slot = 0;
  private seen = 0;
  /** Sum of the values in the window, the oldest included. */
  private sum = 0;
  private stable = false;

  constructor(period: number) {
    this.period = requirePeriod('SMA', 'period', period, 2);
    this.lookback = period - 1;
    this.window = new Float64Array(period);
  }

  update(value: number): number | null {
    if (!this.stable) return this.fill(value) ? this.sum / this.period : null;
    const window = this.window;
    const slot = this.slot;
    const sum = this.sum - window[slot] + value;
    window[slot] = value;
    this.slot = slot + 1 === this.period ? 0 : slot + 1;
    this.sum = sum;
    return sum / this.period;
  }

  /** Takes one of the first `period` values; true when the window has just become full. */
  private fill(value: number): boolean {
    const slot = this.slot;
    this.window[slot] = value;
    this.slot = slot + 1 === this.period ? 0 : slot + 1;
    this.sum += value;
    if (++this.seen < this.period) return false;
    this.stable = true;
    return true;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.sum / this.period : null;
  }

  reset(): void {
    this.slot = 0;
    this.seen = 0;
    this.sum = 0;
    this.stable = false;
  }
}

/** SMA over a whole series: same length, NaN for the first `period - 1` values. */
export function sma(values: Float64Array, period: number): Float64Array {
  requirePeriod('SMA', 'period', period, 2);
  const out = warmupArray(values.length, period - 1);
  smaInto(values, 0, values.length, period, out);
  return out;
}

/**
 * Writes the SMA of `values[from..to)` into `out` at the same indices, the first at
 * `from + period - 1`; earlier indices are left untouched. Period 1 is the identity (as
 * TA-Lib's MA), which STOCH's smoothing stages allow.
 */
export function smaInto(
  values: Float64Array,
  from: number,
  to: number,
  period: number,
  out: Float64Array,
): void {
  if (to - from < period) return;
  let sum = 0;
  const first = from + period - 1;
  for (let i = from; i < first; i++) sum += values[i];
  for (let i = first, trailing = from; i < to; i++, trailing++) {
    sum += values[i];
    out[i] = sum / period;
    sum -= values[trailing];
  }
}
