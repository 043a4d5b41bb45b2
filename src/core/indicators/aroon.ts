import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { WindowMax, WindowMin } from './ring.js';

export interface AroonResult {
  aroonDown: number;
  aroonUp: number;
}

/**
 * The streaming result, a class of its own: an object literal with these property names
 * would share V8's hidden class with the batch result (`{ aroonDown, aroonUp }` of
 * Float64Arrays), whose fields then stop holding raw doubles, and every update would box.
 */
class AroonOutput implements AroonResult {
  aroonDown = Number.NaN;
  aroonUp = Number.NaN;
}

/**
 * TA-Lib AROON. The window is the current bar and the `period` bars before it (period + 1
 * bars, so the lookback is `period`); aroonUp = 100 / period * (period - bars since the
 * highest high), aroonDown likewise with the lowest low. When the extreme occurs more than
 * once in the window the most recent occurrence counts (TA-Lib's >= / <= scan), which makes
 * the indicator read 100 on a bar that only equals the extreme. The extremes are tracked as
 * TA-Lib does (rescan only when the extreme leaves the window), ties going to the latest.
 */
export class Aroon implements BarIndicator<AroonResult> {
  readonly lookback: number;
  readonly period: number;
  private readonly factor: number;
  private readonly highs: WindowMax;
  private readonly lows: WindowMin;
  private seen = 0;
  private readonly out = new AroonOutput();
  private stable = false;

  constructor(period = 14) {
    this.period = requirePeriod('AROON', 'period', period, 2);
    this.lookback = period;
    this.factor = 100 / period;
    this.highs = new WindowMax(period + 1);
    this.lows = new WindowMin(period + 1);
  }

  update(bar: Bar): AroonResult | null {
    const highs = this.highs;
    const lows = this.lows;
    highs.add(bar.high);
    lows.add(bar.low);
    if (!this.stable) {
      if (this.seen++ < this.period) return null;
      this.stable = true;
    }
    const out = this.out;
    out.aroonUp = this.factor * (this.period - highs.age());
    out.aroonDown = this.factor * (this.period - lows.age());
    return out;
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
    this.seen = 0;
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
