import type { Bar } from '../candles/candle.js';
import { Atr, atr } from './atr.js';
import type { BarIndicator } from './indicator.js';
import { requireFinite, requirePeriod, warmupArray } from './params.js';

export interface SuperTrendResult {
  value: number;
  /** +1 uptrend (value is the support below price), -1 downtrend (resistance above). */
  direction: number;
}

function checkParams(atrPeriod: number, multiplier: number): void {
  requirePeriod('SuperTrend', 'atrPeriod', atrPeriod, 1);
  requireFinite('SuperTrend', 'multiplier', multiplier);
  if (multiplier <= 0) throw new RangeError(`SuperTrend: multiplier must be > 0, got ${multiplier}`);
}

/**
 * The streaming result, a class of its own: an object literal with these property names
 * would share V8's hidden class with the batch result (`{ value, direction }` of
 * Float64Arrays), whose fields then stop holding raw doubles, and every update would box.
 */
class SuperTrendOutput implements SuperTrendResult {
  value = Number.NaN;
  direction = Number.NaN;
}

/**
 * SuperTrend (not a TA-Lib function). Conventions:
 * - ATR is TA-Lib's Wilder ATR (`Atr`), so the lookback is `atrPeriod`: the first value is on
 *   the first bar with an ATR. (Charting packages that take the first bar's high - low as a
 *   true range start one bar earlier and drift slightly apart during the ATR's warm-up.)
 * - basic bands: (high + low) / 2 ± multiplier * ATR;
 * - classic final-band rules: the final upper band only moves down, unless the previous close
 *   was above it (then it resets to the basic band); the final lower band only moves up,
 *   unless the previous close was below it;
 * - the first value starts in a downtrend (direction -1, value = upper band), the common
 *   charting convention; from then on a downtrend flips up when the close rises above the
 *   final upper band and an uptrend flips down when the close falls below the final lower band;
 * - value is the final lower band in an uptrend (+1) and the final upper band in a downtrend (-1).
 * The result object is reused.
 */
export class SuperTrend implements BarIndicator<SuperTrendResult> {
  readonly lookback: number;
  readonly atrPeriod: number;
  readonly multiplier: number;
  private readonly atr: Atr;
  private readonly out = new SuperTrendOutput();
  private finalUpper = Number.NaN;
  private finalLower = Number.NaN;
  private direction = 0;
  private prevClose = Number.NaN;
  private stable = false;

  constructor(atrPeriod = 10, multiplier = 3) {
    checkParams(atrPeriod, multiplier);
    this.atrPeriod = atrPeriod;
    this.multiplier = multiplier;
    this.atr = new Atr(atrPeriod);
    this.lookback = this.atr.lookback;
  }

  update(bar: Bar): SuperTrendResult | null {
    // `updateOrNaN`, not `update`: a `number | null` return would box the ATR on every bar.
    const atr = this.atr;
    const a = atr.updateOrNaN(bar);
    const close = bar.close;
    const prevClose = this.prevClose;
    this.prevClose = close;
    if (!atr.isStable()) return null;
    const mid = (bar.high + bar.low) / 2;
    const basicUpper = mid + this.multiplier * a;
    const basicLower = mid - this.multiplier * a;
    if (!this.stable) {
      this.finalUpper = basicUpper;
      this.finalLower = basicLower;
      this.direction = -1;
      this.stable = true;
    } else {
      if (basicUpper < this.finalUpper || prevClose > this.finalUpper) this.finalUpper = basicUpper;
      if (basicLower > this.finalLower || prevClose < this.finalLower) this.finalLower = basicLower;
      if (this.direction < 0) {
        if (close > this.finalUpper) this.direction = 1;
      } else if (close < this.finalLower) {
        this.direction = -1;
      }
    }
    this.out.direction = this.direction;
    this.out.value = this.direction > 0 ? this.finalLower : this.finalUpper;
    return this.out;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): SuperTrendResult | null {
    return this.stable ? this.out : null;
  }

  reset(): void {
    this.atr.reset();
    this.finalUpper = Number.NaN;
    this.finalLower = Number.NaN;
    this.direction = 0;
    this.prevClose = Number.NaN;
    this.stable = false;
    this.out.value = Number.NaN;
    this.out.direction = Number.NaN;
  }
}

export interface SuperTrendSeries {
  readonly value: Float64Array;
  /** +1 / -1, NaN during warm-up. */
  readonly direction: Float64Array;
}

/** SuperTrend over whole columns: NaN for the first `atrPeriod` bars. */
export function superTrend(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  atrPeriod = 10,
  multiplier = 3,
): SuperTrendSeries {
  checkParams(atrPeriod, multiplier);
  const n = high.length;
  // The ATR column is turned into the value column in place: one allocation fewer.
  const value = atr(high, low, close, atrPeriod);
  const direction = warmupArray(n, atrPeriod);
  if (n <= atrPeriod) return { value, direction };
  let i = atrPeriod;
  let mid = (high[i] + low[i]) / 2;
  let finalUpper = mid + multiplier * value[i];
  let finalLower = mid - multiplier * value[i];
  let dir = -1;
  value[i] = finalUpper;
  direction[i] = dir;
  for (i = atrPeriod + 1; i < n; i++) {
    const a = value[i];
    mid = (high[i] + low[i]) / 2;
    const basicUpper = mid + multiplier * a;
    const basicLower = mid - multiplier * a;
    const prevClose = close[i - 1];
    if (basicUpper < finalUpper || prevClose > finalUpper) finalUpper = basicUpper;
    if (basicLower > finalLower || prevClose < finalLower) finalLower = basicLower;
    const c = close[i];
    if (dir < 0) {
      if (c > finalUpper) dir = 1;
    } else if (c < finalLower) {
      dir = -1;
    }
    value[i] = dir > 0 ? finalLower : finalUpper;
    direction[i] = dir;
  }
  return { value, direction };
}
