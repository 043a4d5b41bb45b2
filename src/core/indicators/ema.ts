import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

/**
 * Exponential moving average, as TA-Lib's EMA: seeded with the SMA of the first `period`
 * values (TA-Lib's default compatibility), then `ema += (x - ema) * k` with
 * `k = 2 / (period + 1)`, written in TA-Lib's operation order. Lookback `period - 1`.
 *
 * The average lives in a number-only field beside a `stable` flag (a `number | null` field
 * would box every new value on the heap), and the seeding is a separate method so that
 * `update` stays small enough for V8 to inline into the caller's loop.
 */
export class Ema implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly k: number;
  private seen = 0;
  /** Sum of the inputs while seeding. */
  private sum = 0;
  private value = Number.NaN;
  private stable = false;

  constructor(period: number) {
    this.period = requirePeriod('EMA', 'period', period, 2);
    this.lookback = period - 1;
    this.k = 2 / (period + 1);
  }

  update(value: number): number | null {
    if (!this.stable) return this.seed(value) ? this.value : null;
    const ema = (value - this.value) * this.k + this.value;
    this.value = ema;
    return ema;
  }

  /**
   * `update` that gives NaN instead of null before the first value. V8 boxes every number a
   * `number | null` return hands back (a heap allocation, even when the call is inlined); this
   * one does not, for the indicators built on an EMA and for callers that take NaN anyway.
   */
  updateOrNaN(value: number): number {
    if (!this.stable) {
      this.seed(value);
      return this.value;
    }
    const ema = (value - this.value) * this.k + this.value;
    this.value = ema;
    return ema;
  }

  /** Sums the first `period` inputs; true once their mean has become the first EMA. */
  private seed(value: number): boolean {
    this.sum += value;
    if (++this.seen < this.period) return false;
    this.value = this.sum / this.period;
    this.stable = true;
    return true;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.seen = 0;
    this.sum = 0;
    this.value = Number.NaN;
    this.stable = false;
  }
}

/** EMA over a whole series: same length, NaN for the first `period - 1` values. */
export function ema(values: Float64Array, period: number): Float64Array {
  requirePeriod('EMA', 'period', period, 2);
  const out = warmupArray(values.length, period - 1);
  emaInto(values, 0, values.length, period, out);
  return out;
}

/**
 * Writes the EMA of `values[from..to)` into `out` at the same indices, the seed being the
 * SMA of `values[from..from + period)` (so `out[from + period - 1]` is the first value).
 * Indices before that are left untouched. The cascades (DEMA, TEMA, MACD) run this over
 * an earlier stage's output that only starts at `from`.
 */
export function emaInto(
  values: Float64Array,
  from: number,
  to: number,
  period: number,
  out: Float64Array,
): void {
  if (to - from < period) return;
  const k = 2 / (period + 1);
  let sum = 0;
  const seedEnd = from + period;
  for (let i = from; i < seedEnd; i++) sum += values[i];
  let prev = sum / period;
  out[seedEnd - 1] = prev;
  for (let i = seedEnd; i < to; i++) {
    prev = (values[i] - prev) * k + prev;
    out[i] = prev;
  }
}
