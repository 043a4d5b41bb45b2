import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { RunningMean } from './ring.js';

/**
 * Simple moving average, as TA-Lib's SMA: a running sum that adds the newest value and
 * subtracts the one leaving the window, in TA-Lib's order, so the rounding matches too.
 * Lookback `period - 1`.
 */
export class Sma implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly mean: RunningMean;
  private result: number | null = null;

  constructor(period: number) {
    this.period = requirePeriod('SMA', 'period', period, 2);
    this.lookback = period - 1;
    this.mean = new RunningMean(period);
  }

  update(value: number): number | null {
    if (this.mean.push(value)) this.result = this.mean.value;
    return this.result;
  }

  isStable(): boolean {
    return this.result !== null;
  }

  getResult(): number | null {
    return this.result;
  }

  reset(): void {
    this.mean.reset();
    this.result = null;
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
