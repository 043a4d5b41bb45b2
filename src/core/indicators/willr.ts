import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { WindowExtreme } from './ring.js';

/**
 * Williams %R, as TA-Lib's WILLR: `(highest - close) / ((highest - lowest) / -100)` over the
 * last `period` bars, 0 when the range is flat. Lookback `period - 1`.
 */
export class WillR implements BarIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly highest: WindowExtreme;
  private readonly lowest: WindowExtreme;
  private seen = 0;
  private result: number | null = null;

  constructor(period: number) {
    this.period = requirePeriod('WILLR', 'period', period, 2);
    this.lookback = period - 1;
    this.highest = new WindowExtreme(period, 'max');
    this.lowest = new WindowExtreme(period, 'min');
  }

  update(bar: Bar): number | null {
    const high = this.highest.push(bar.high);
    const low = this.lowest.push(bar.low);
    if (this.seen < this.lookback) {
      this.seen++;
      return null;
    }
    const diff = (high - low) / -100.0;
    this.result = diff !== 0.0 ? (high - bar.close) / diff : 0.0;
    return this.result;
  }

  isStable(): boolean {
    return this.result !== null;
  }

  getResult(): number | null {
    return this.result;
  }

  reset(): void {
    this.highest.reset();
    this.lowest.reset();
    this.seen = 0;
    this.result = null;
  }
}

/** WILLR over whole columns: same length, NaN for the first `period - 1` values. */
export function willr(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
): Float64Array {
  requirePeriod('WILLR', 'period', period, 2);
  const n = close.length;
  const out = warmupArray(n, period - 1);
  // The extremes are tracked by index and rescanned only when the current one leaves the
  // window: cheap on real prices, and faster than a deque in a tight loop.
  let highestIdx = -1;
  let lowestIdx = -1;
  let highest = 0;
  let lowest = 0;
  // Recomputed only when an extreme changes, as TA-Lib does.
  let diff = 0;
  for (let today = period - 1, trailing = 0; today < n; today++, trailing++) {
    const l = low[today];
    if (lowestIdx < trailing) {
      lowestIdx = trailing;
      lowest = low[trailing];
      for (let i = trailing + 1; i <= today; i++) {
        if (low[i] < lowest) {
          lowestIdx = i;
          lowest = low[i];
        }
      }
      diff = (highest - lowest) / -100.0;
    } else if (l <= lowest) {
      lowestIdx = today;
      lowest = l;
      diff = (highest - lowest) / -100.0;
    }
    const h = high[today];
    if (highestIdx < trailing) {
      highestIdx = trailing;
      highest = high[trailing];
      for (let i = trailing + 1; i <= today; i++) {
        if (high[i] > highest) {
          highestIdx = i;
          highest = high[i];
        }
      }
      diff = (highest - lowest) / -100.0;
    } else if (h >= highest) {
      highestIdx = today;
      highest = h;
      diff = (highest - lowest) / -100.0;
    }
    out[today] = diff !== 0.0 ? (highest - close[today]) / diff : 0.0;
  }
  return out;
}
