import type { Bar } from '../candles/candle.js';
import { Atr } from './atr.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { trueRange } from './trange.js';

/** TA-Lib treats |x| < 1e-14 as zero (TA_IS_ZERO). */
const TA_EPSILON = 1e-14;

/**
 * TA-Lib NATR: ATR as a percentage of the close, 100 * atr / close. A close TA-Lib counts as
 * zero gives 0 instead of a division blow-up. Same lookback as ATR (`period`).
 */
export class Natr implements BarIndicator {
  readonly lookback: number;
  readonly period: number;
  private readonly atr: Atr;
  /** The latest value, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(period = 14) {
    this.atr = new Atr(requirePeriod('NATR', 'period', period, 1));
    this.period = period;
    this.lookback = this.atr.lookback;
  }

  update(bar: Bar): number | null {
    // `updateOrNaN`, not `update`: a `number | null` return would box the ATR on every bar.
    const atr = this.atr;
    const a = atr.updateOrNaN(bar);
    if (!atr.isStable()) return null;
    const c = bar.close;
    const natr = c > -TA_EPSILON && c < TA_EPSILON ? 0 : (a / c) * 100;
    this.value = natr;
    this.stable = true;
    return natr;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.atr.reset();
    this.value = Number.NaN;
    this.stable = false;
  }
}

/** TA-Lib NATR over whole columns: NaN for the first `period` bars. One pass: ATR and ratio fused. */
export function natr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  requirePeriod('NATR', 'period', period, 1);
  const n = high.length;
  const out = warmupArray(n, period);
  if (n <= period) return out;
  let sum = 0;
  for (let i = 1; i <= period; i++) sum += trueRange(high[i], low[i], close[i - 1]);
  let value = sum / period;
  let c = close[period];
  out[period] = c > -TA_EPSILON && c < TA_EPSILON ? 0 : (value / c) * 100;
  const keep = period - 1;
  for (let i = period + 1; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const pc = c;
    let tr = h - l;
    const fromHigh = Math.abs(pc - h);
    if (fromHigh > tr) tr = fromHigh;
    const fromLow = Math.abs(pc - l);
    if (fromLow > tr) tr = fromLow;
    value = (value * keep + tr) / period;
    c = close[i];
    out[i] = c > -TA_EPSILON && c < TA_EPSILON ? 0 : (value / c) * 100;
  }
  return out;
}
