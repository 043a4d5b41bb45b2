import type { ValueIndicator } from './indicator.js';
import { nanArray, requirePeriod } from './params.js';
import { Float64Ring } from './ring.js';

/**
 * Simple moving average, as TA-Lib's SMA: a running sum that adds the newest value and
 * subtracts the one leaving the window, in TA-Lib's order, so the rounding matches too.
 * Lookback `period - 1`.
 */
export class Sma implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly window: Float64Ring;
  /** Sum of the latest `period - 1` inputs (all inputs while filling). */
  private sum = 0;
  private result: number | null = null;

  constructor(period: number) {
    this.period = requirePeriod('SMA', 'period', period, 2);
    this.lookback = period - 1;
    this.window = new Float64Ring(period);
  }

  update(value: number): number | null {
    this.sum += value;
    this.window.push(value);
    if (!this.window.isFull()) return null;
    this.result = this.sum / this.period;
    this.sum -= this.window.oldest();
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
    this.sum = 0;
    this.result = null;
  }
}

/** SMA over a whole series: same length, NaN for the first `period - 1` values. */
export function sma(values: Float64Array, period: number): Float64Array {
  requirePeriod('SMA', 'period', period, 2);
  const n = values.length;
  const out = nanArray(n);
  if (n < period) return out;
  let sum = 0;
  for (let i = 0; i < period - 1; i++) sum += values[i];
  for (let i = period - 1, trailing = 0; i < n; i++, trailing++) {
    sum += values[i];
    out[i] = sum / period;
    sum -= values[trailing];
  }
  return out;
}
