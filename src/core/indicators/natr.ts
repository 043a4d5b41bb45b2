import type { Bar } from '../candles/candle.js';
import { Atr, atr } from './atr.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod } from './params.js';

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
  private result: number | null = null;

  constructor(period = 14) {
    this.atr = new Atr(requirePeriod('NATR', 'period', period, 1));
    this.period = period;
    this.lookback = this.atr.lookback;
  }

  update(bar: Bar): number | null {
    const a = this.atr.update(bar);
    if (a !== null) {
      const c = bar.close;
      this.result = c > -TA_EPSILON && c < TA_EPSILON ? 0 : (a / c) * 100;
    }
    return this.result;
  }

  isStable(): boolean {
    return this.result !== null;
  }

  getResult(): number | null {
    return this.result;
  }

  reset(): void {
    this.atr.reset();
    this.result = null;
  }
}

/** TA-Lib NATR over whole columns: NaN for the first `period` bars. */
export function natr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  const out = atr(high, low, close, requirePeriod('NATR', 'period', period, 1));
  for (let i = period; i < out.length; i++) {
    const c = close[i];
    out[i] = c > -TA_EPSILON && c < TA_EPSILON ? 0 : (out[i] / c) * 100;
  }
  return out;
}
