import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

export interface AroonResult {
  aroonDown: number;
  aroonUp: number;
}

/**
 * Indices of a window's extreme candidates, oldest first, in a preallocated ring. Popping
 * candidates that the new value equals or beats keeps the most recent index on ties.
 */
class ExtremeIndexDeque {
  private readonly steps: Float64Array;
  private readonly values: Float64Array;
  private readonly capacity: number;
  private readonly wantMax: boolean;
  private head = 0;
  private size = 0;

  constructor(capacity: number, wantMax: boolean) {
    this.capacity = capacity;
    this.wantMax = wantMax;
    this.steps = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /** Adds `value` at `step`, drops steps before `oldestStep`, returns the extreme's step. */
  push(step: number, value: number, oldestStep: number): number {
    const cap = this.capacity;
    while (this.size > 0 && this.steps[this.head] < oldestStep) {
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
      this.size--;
    }
    while (this.size > 0) {
      let back = this.head + this.size - 1;
      if (back >= cap) back -= cap;
      const v = this.values[back];
      if (this.wantMax ? v > value : v < value) break;
      this.size--;
    }
    let slot = this.head + this.size;
    if (slot >= cap) slot -= cap;
    this.steps[slot] = step;
    this.values[slot] = value;
    this.size++;
    return this.steps[this.head];
  }

  reset(): void {
    this.head = 0;
    this.size = 0;
  }
}

/**
 * TA-Lib AROON. The window is the current bar and the `period` bars before it (period + 1
 * bars, so the lookback is `period`); aroonUp = 100 / period * (period - bars since the
 * highest high), aroonDown likewise with the lowest low. When the extreme occurs more than
 * once in the window the most recent occurrence counts (TA-Lib's >= / <= scan), which makes
 * the indicator read 100 on a bar that only equals the extreme.
 */
export class Aroon implements BarIndicator<AroonResult> {
  readonly lookback: number;
  readonly period: number;
  private readonly factor: number;
  private readonly highs: ExtremeIndexDeque;
  private readonly lows: ExtremeIndexDeque;
  private step = 0;
  private readonly out: AroonResult = { aroonDown: Number.NaN, aroonUp: Number.NaN };
  private stable = false;

  constructor(period = 14) {
    this.period = requirePeriod('AROON', 'period', period, 2);
    this.lookback = period;
    this.factor = 100 / period;
    this.highs = new ExtremeIndexDeque(period + 1, true);
    this.lows = new ExtremeIndexDeque(period + 1, false);
  }

  update(bar: Bar): AroonResult | null {
    const step = this.step++;
    const oldest = step - this.period;
    const highStep = this.highs.push(step, bar.high, oldest);
    const lowStep = this.lows.push(step, bar.low, oldest);
    if (oldest < 0) return null;
    this.out.aroonUp = this.factor * (this.period - (step - highStep));
    this.out.aroonDown = this.factor * (this.period - (step - lowStep));
    this.stable = true;
    return this.out;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): AroonResult | null {
    return this.stable ? this.out : null;
  }

  reset(): void {
    this.highs.reset();
    this.lows.reset();
    this.step = 0;
    this.stable = false;
    this.out.aroonDown = Number.NaN;
    this.out.aroonUp = Number.NaN;
  }
}

export interface AroonSeries {
  readonly aroonDown: Float64Array;
  readonly aroonUp: Float64Array;
}

/**
 * TA-Lib AROON over whole columns: NaN for the first `period` bars. Keeps the extreme's index
 * and rescans the window only when that index leaves it, as TA-Lib does: fast on real prices.
 */
export function aroon(high: Float64Array, low: Float64Array, period = 14): AroonSeries {
  requirePeriod('AROON', 'period', period, 2);
  const n = high.length;
  const series = { aroonDown: warmupArray(n, period), aroonUp: warmupArray(n, period) };
  const up = series.aroonUp;
  const down = series.aroonDown;
  const factor = 100 / period;
  let highestIdx = -1;
  let lowestIdx = -1;
  let highest = 0;
  let lowest = 0;
  for (let today = period; today < n; today++) {
    const trailing = today - period;
    if (lowestIdx < trailing) {
      lowestIdx = trailing;
      lowest = low[trailing];
      for (let i = trailing + 1; i <= today; i++) {
        const v = low[i];
        if (v <= lowest) {
          lowestIdx = i;
          lowest = v;
        }
      }
    } else if (low[today] <= lowest) {
      lowestIdx = today;
      lowest = low[today];
    }
    if (highestIdx < trailing) {
      highestIdx = trailing;
      highest = high[trailing];
      for (let i = trailing + 1; i <= today; i++) {
        const v = high[i];
        if (v >= highest) {
          highestIdx = i;
          highest = v;
        }
      }
    } else if (high[today] >= highest) {
      highestIdx = today;
      highest = high[today];
    }
    up[today] = factor * (period - (today - highestIdx));
    down[today] = factor * (period - (today - lowestIdx));
  }
  return series;
}
