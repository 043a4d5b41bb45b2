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
  private value = Number.NaN;
  private result: number | null = null;

  constructor(period = 14) {
    this.period = requirePeriod('ATR', 'period', period, 1);
    this.lookback = period;
  }

  update(bar: Bar): number | null {
    const p = this.period;
    if (this.seen > p) {
      this.value = (this.value * (p - 1) + trueRange(bar.high, bar.low, this.prevClose)) / p;
      this.result = this.value;
    } else if (this.seen > 0) {
      this.sum += trueRange(bar.high, bar.low, this.prevClose);
      if (this.seen === p) {
        this.value = this.sum / p;
        this.result = this.value;
      }
      this.seen++;
    } else {
      this.seen = 1;
    }
    this.prevClose = bar.close;
    return this.result;
  }

  isStable(): boolean {
    return this.result !== null;
  }

  getResult(): number | null {
    return this.result;
  }

  reset(): void {
    this.prevClose = Number.NaN;
    this.seen = 0;
    this.sum = 0;
    this.value = Number.NaN;
    this.result = null;
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
