import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { trueRange } from './trange.js';

/**
 * TA-Lib ATR: Wilder's average of the true range. As in TA-Lib the first bar only supplies a
 * previous close, the first ATR is the plain mean of the next `period` true ranges (so the
 * lookback is `period`), and each later one is (prev * (period - 1) + tr) / period, computed
 * in that order so the numbers match TA-Lib's to the last bits.
 */
export class Atr implements BarIndicator {
  readonly lookback: number;
  readonly period: number;
  private prevClose = Number.NaN;
  private seen = 0;
  private sum = 0;
  /** The latest ATR, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(period = 14) {
    this.period = requirePeriod('ATR', 'period', period, 1);
    this.lookback = period;
  }

  update(bar: Bar): number | null {
    if (!this.stable) return this.seed(bar) ? this.value : null;
    return this.step(bar);
  }

  /**
   * `update` that gives NaN instead of null before the first value. V8 boxes every number a
   * `number | null` return hands back (a heap allocation, even when the call is inlined); this
   * one does not (NATR, Keltner and SuperTrend read their ATR through it).
   */
  updateOrNaN(bar: Bar): number {
    if (!this.stable) {
      this.seed(bar);
      return this.value;
    }
    return this.step(bar);
  }

  private step(bar: Bar): number {
    const p = this.period;
    const atr = (this.value * (p - 1) + trueRange(bar.high, bar.low, this.prevClose)) / p;
    this.value = atr;
    this.prevClose = bar.close;
    return atr;
  }

  /** The first bar gives only a close, the next `period` are summed; true at the first ATR. */
  private seed(bar: Bar): boolean {
    const p = this.period;
    const seen = this.seen;
    if (seen > 0) this.sum += trueRange(bar.high, bar.low, this.prevClose);
    this.prevClose = bar.close;
    this.seen = seen + 1;
    if (seen < p) return false;
    this.value = this.sum / p;
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
    this.prevClose = Number.NaN;
    this.seen = 0;
    this.sum = 0;
    this.value = Number.NaN;
    this.stable = false;
  }
}

/** TA-Lib ATR over whole columns: NaN for the first `period` bars. */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  requirePeriod('ATR', 'period', period, 1);
  const n = high.length;
  const out = warmupArray(n, period);
  if (n <= period) return out;
  let sum = 0;
  for (let i = 1; i <= period; i++) sum += trueRange(high[i], low[i], close[i - 1]);
  let value = sum / period;
  out[period] = value;
  const keep = period - 1;
  for (let i = period + 1; i < n; i++) {
    value = (value * keep + trueRange(high[i], low[i], close[i - 1])) / period;
    out[i] = value;
  }
  return out;
}
