import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

/**
 * Exponential moving average, as TA-Lib's EMA: seeded with the SMA of the first `period`
 * values (TA-Lib's default compatibility), then `ema += (x - ema) * k` with
 * `k = 2 / (period + 1)`, written in TA-Lib's operation order. Lookback `period - 1`.
 */
export class Ema implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly k: number;
  private seen = 0;
  /** Sum of the inputs while seeding, then the EMA itself. */
  private state = 0;
  private result: number | null = null;

  constructor(period: number) {
    this.period = requirePeriod('EMA', 'period', period, 2);
    this.lookback = period - 1;
    this.k = 2 / (period + 1);
  }

  update(value: number): number | null {
    if (this.result !== null) {
      this.state = (value - this.state) * this.k + this.state;
      this.result = this.state;
      return this.result;
    }
    this.state += value;
    if (++this.seen < this.period) return null;
    this.state /= this.period;
    this.result = this.state;
    return this.result;
  }

  isStable(): boolean {
    return this.result !== null;
  }

  getResult(): number | null {
    return this.result;
  }

  reset(): void {
    this.seen = 0;
    this.state = 0;
    this.result = null;
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
