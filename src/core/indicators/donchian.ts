import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { WindowMax, WindowMin } from './ring.js';
import { rollingMaxInto, rollingMinInto } from './rolling-extreme.js';

export interface DonchianResult {
  upper: number;
  middle: number;
  lower: number;
}

/**
 * The streaming result, a class of its own: an object literal with these property names
 * would share V8's hidden class with the batch result (`{ upper, middle, lower }` of
 * Float64Arrays), whose fields then stop holding raw doubles, and every update would box.
 */
class DonchianOutput implements DonchianResult {
  upper = Number.NaN;
  middle = Number.NaN;
  lower = Number.NaN;
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
  private readonly highs: WindowMax;
  private readonly lows: WindowMin;
  private readonly out = new DonchianOutput();
  private seen = 0;

  constructor(period = 20) {
    this.period = requirePeriod('Donchian', 'period', period, 1);
    this.lookback = period - 1;
    this.highs = new WindowMax(period);
    this.lows = new WindowMin(period);
  }

  update(bar: Bar): DonchianResult | null {
    // `add` and the `extreme` fields rather than methods returning numbers, which box them.
    const highs = this.highs;
    const lows = this.lows;
    highs.add(bar.high);
    lows.add(bar.low);
    if (this.seen < this.lookback) {
      this.seen++;
      return null;
    }
    this.seen = this.period;
    const upper = highs.extreme;
    const lower = lows.extreme;
    const out = this.out;
    out.upper = upper;
    out.lower = lower;
    out.middle = (upper + lower) / 2;
    return out;
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
