import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { WindowExtreme } from './ring.js';
import { rollingMaxInto, rollingMinInto } from './rolling-extreme.js';

export interface DonchianResult {
  upper: number;
  middle: number;
  lower: number;
}

/**
 * Donchian Channels (not a TA-Lib function): upper = highest high and lower = lowest low of
 * the last `period` bars including the current one, middle = (upper + lower) / 2. The window
 * is full on the `period`-th bar, so the lookback is period - 1 (as TA-Lib's MAX / MIN).
 * A breakout test compares a close with the previous bar's channel, since the current bar
 * is inside its own. The result object is reused.
 */
export class Donchian implements BarIndicator<DonchianResult> {
  readonly lookback: number;
  readonly period: number;
  private readonly highs: WindowExtreme;
  private readonly lows: WindowExtreme;
  private readonly out: DonchianResult = { upper: Number.NaN, middle: Number.NaN, lower: Number.NaN };
  private seen = 0;

  constructor(period = 20) {
    this.period = requirePeriod('Donchian', 'period', period, 1);
    this.lookback = period - 1;
    this.highs = new WindowExtreme(period, 'max');
    this.lows = new WindowExtreme(period, 'min');
  }

  update(bar: Bar): DonchianResult | null {
    const upper = this.highs.push(bar.high);
    const lower = this.lows.push(bar.low);
    if (this.seen < this.lookback) {
      this.seen++;
      return null;
    }
    this.seen = this.period;
    this.out.upper = upper;
    this.out.lower = lower;
    this.out.middle = (upper + lower) / 2;
    return this.out;
  }

  isStable(): boolean {
    return this.seen === this.period;
  }

  getResult(): DonchianResult | null {
    return this.seen === this.period ? this.out : null;
  }

  reset(): void {
    this.highs.reset();
    this.lows.reset();
    this.seen = 0;
    this.out.upper = Number.NaN;
    this.out.middle = Number.NaN;
    this.out.lower = Number.NaN;
  }
}

export interface DonchianSeries {
  readonly upper: Float64Array;
  readonly middle: Float64Array;
  readonly lower: Float64Array;
}

/** Donchian Channels over whole columns: NaN for the first period - 1 bars. */
export function donchian(high: Float64Array, low: Float64Array, period = 20): DonchianSeries {
  requirePeriod('Donchian', 'period', period, 1);
  const n = high.length;
  const upper = warmupArray(n, period - 1);
  const lower = warmupArray(n, period - 1);
  const middle = warmupArray(n, period - 1);
  rollingMaxInto(high, period, period - 1, upper);
  rollingMinInto(low, period, period - 1, lower);
  for (let i = period - 1; i < n; i++) middle[i] = (upper[i] + lower[i]) / 2;
  return { upper, middle, lower };
}
