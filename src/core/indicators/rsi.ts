import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

/** TA-Lib's TA_IS_ZERO threshold. */
const EPSILON = 1e-14;

/**
 * Relative strength index with Wilder's smoothing, as TA-Lib's RSI: the first average gain
 * and loss are plain means of the first `period` changes, then
 * `avg = (avg * (period - 1) + change) / period`, written in TA-Lib's order. A flat window
 * (no gain, no loss) gives 0, as TA-Lib. Lookback `period`.
 *
 * The gain and the loss of a step are `(change + |change|) / 2` and `(|change| - change) / 2`:
 * exact (doubling and halving lose nothing, and `x + 0 = x`), so the results are TA-Lib's to
 * the bit, without the unpredictable sign branch (a third faster on real prices).
 */
export class Rsi implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  private seen = 0;
  private previous = 0;
  private avgGain = 0;
  private avgLoss = 0;
  /** The latest RSI, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(period: number) {
    this.period = requirePeriod('RSI', 'period', period, 2);
    this.lookback = period;
  }

  update(value: number): number | null {
    if (!this.stable) return this.seed(value) ? this.value : null;
    return this.step(value);
  }

  /**
   * `update` that gives NaN instead of null before the first value. V8 boxes every number a
   * `number | null` return hands back (a heap allocation, even when the call is inlined); this
   * one does not (STOCHRSI reads its RSI through it).
   */
  updateOrNaN(value: number): number {
    if (!this.stable) {
      this.seed(value);
      return this.value;
    }
    return this.step(value);
  }

  private step(value: number): number {
    const p = this.period;
    const change = value - this.previous;
    this.previous = value;
    const size = Math.abs(change);
    const avgGain = (this.avgGain * (p - 1) + (change + size) * 0.5) / p;
    const avgLoss = (this.avgLoss * (p - 1) + (size - change) * 0.5) / p;
    this.avgGain = avgGain;
    this.avgLoss = avgLoss;
    const total = avgGain + avgLoss;
    const rsi = total > -EPSILON && total < EPSILON ? 0.0 : 100.0 * (avgGain / total);
    this.value = rsi;
    return rsi;
  }

  /** The first `period + 1` inputs: plain sums of the gains and losses; true at the first RSI. */
  private seed(value: number): boolean {
    const p = this.period;
    const change = value - this.previous;
    this.previous = value;
    if (this.seen++ === 0) return false;
    if (change < 0) this.avgLoss -= change;
    else this.avgGain += change;
    if (this.seen <= p) return false;
    this.avgLoss /= p;
    this.avgGain /= p;
    const total = this.avgGain + this.avgLoss;
    this.value = total > -EPSILON && total < EPSILON ? 0.0 : 100.0 * (this.avgGain / total);
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
    this.previous = 0;
    this.avgGain = 0;
    this.avgLoss = 0;
    this.value = Number.NaN;
    this.stable = false;
  }
}

/** RSI over a whole series: same length, NaN for the first `period` values. */
export function rsi(values: Float64Array, period: number): Float64Array {
  requirePeriod('RSI', 'period', period, 2);
  const out = warmupArray(values.length, period);
  rsiInto(values, period, out);
  return out;
}

/** Writes the RSI of `values` into `out` from index `period` on (STOCHRSI reuses it). */
export function rsiInto(values: Float64Array, period: number, out: Float64Array): void {
  const n = values.length;
  if (n <= period) return;
  let gain = 0;
  let loss = 0;
  let prev = values[0];
  for (let i = 1; i <= period; i++) {
    const x = values[i];
    const change = x - prev;
    prev = x;
    if (change < 0) loss -= change;
    else gain += change;
  }
  loss /= period;
  gain /= period;
  let total = gain + loss;
  out[period] = total > -EPSILON && total < EPSILON ? 0.0 : 100.0 * (gain / total);
  const keep = period - 1;
  for (let i = period + 1; i < n; i++) {
    const x = values[i];
    const change = x - prev;
    prev = x;
    const size = Math.abs(change);
    gain = (gain * keep + (change + size) * 0.5) / period;
    loss = (loss * keep + (size - change) * 0.5) / period;
    total = gain + loss;
    out[i] = total > -EPSILON && total < EPSILON ? 0.0 : 100.0 * (gain / total);
  }
}
