import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { WindowMax, WindowMin } from './ring.js';

/**
 * Williams %R, as TA-Lib's WILLR: `(highest - close) / ((highest - lowest) / -100)` over the
 * last `period` bars, 0 when the range is flat. Lookback `period - 1`.
 */
export class WillR implements BarIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly highest: WindowMax;
  private readonly lowest: WindowMin;
  private seen = 0;
  /** The latest value, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(period: number) {
    this.period = requirePeriod('WILLR', 'period', period, 2);
    this.lookback = period - 1;
    this.highest = new WindowMax(period);
    this.lowest = new WindowMin(period);
  }

  update(bar: Bar): number | null {
    const highest = this.highest;
    const lowest = this.lowest;
    highest.add(bar.high);
    lowest.add(bar.low);
    if (this.seen < this.lookback) {
      this.seen++;
      return null;
    }
    const high = highest.extreme;
    const diff = (high - lowest.extreme) / -100.0;
    const willr = diff !== 0.0 ? (high - bar.close) / diff : 0.0;
    this.value = willr;
    this.stable = true;
    return willr;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.highest.reset();
    this.lowest.reset();
    this.seen = 0;
    this.value = Number.NaN;
    this.stable = false;
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
