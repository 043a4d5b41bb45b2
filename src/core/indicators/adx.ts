import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { nanArray, requirePeriod } from './params.js';
import { trueRange } from './trange.js';

/**
 * Wilder's directional movement system as TA-Lib computes it (ta_ADX.c, ta_PLUS_DI.c,
 * ta_MINUS_DI.c):
 * - one-bar +DM / -DM: the larger of today's upward and downward range extensions, the other
 *   set to 0; both 0 when they tie or neither is positive;
 * - bars 1..period-1 are summed, from bar `period` on every sum is smoothed as
 *   s - s / period + today (Wilder), for +DM, -DM and the true range alike;
 * - +DI = 100 * +DM / TR (0 when TR is zero by TA-Lib's 1e-14 test), so +DI/-DI first exist at
 *   bar `period` (TA-Lib PLUS_DI / MINUS_DI lookback = period);
 * - DX = 100 * |-DI - +DI| / (-DI + +DI), the first ADX is the mean of the DX of bars
 *   period..2*period-1 (lookback 2*period - 1), later ones Wilder-smoothed. A bar whose TR or
 *   DI sum is zero has no DX: it adds nothing to the first mean and leaves the ADX unchanged.
 * Periods start at 2 (TA-Lib allows 1 for PLUS_DI/MINUS_DI but then returns a bare ratio,
 * not a percentage, which no caller wants).
 */

const TA_EPSILON = 1e-14;

function isZero(v: number): boolean {
  return v > -TA_EPSILON && v < TA_EPSILON;
}

/** The smoothed +DM, -DM and TR shared by the three streaming faces. */
class DirectionalMovement {
  readonly period: number;
  plusDm = 0;
  minusDm = 0;
  trueRange = 0;
  /** Bars seen, capped once smoothing runs. */
  private seen = 0;
  private prevHigh = Number.NaN;
  private prevLow = Number.NaN;
  private prevClose = Number.NaN;

  constructor(period: number) {
    this.period = period;
  }

  /** Takes one bar; true when the sums are Wilder-smoothed (bar index >= period). */
  push(high: number, low: number, close: number): boolean {
    const p = this.period;
    const seen = this.seen;
    if (seen === 0) {
      this.seen = 1;
    } else {
      const diffP = high - this.prevHigh;
      const diffM = this.prevLow - low;
      const tr = trueRange(high, low, this.prevClose);
      if (seen < p) {
        if (diffM > 0 && diffP < diffM) this.minusDm += diffM;
        else if (diffP > 0 && diffP > diffM) this.plusDm += diffP;
        this.trueRange += tr;
        this.seen = seen + 1;
      } else {
        let plus = this.plusDm - this.plusDm / p;
        let minus = this.minusDm - this.minusDm / p;
        if (diffM > 0 && diffP < diffM) minus += diffM;
        else if (diffP > 0 && diffP > diffM) plus += diffP;
        this.plusDm = plus;
        this.minusDm = minus;
        this.trueRange = this.trueRange - this.trueRange / p + tr;
        if (seen === p) this.seen = p + 1;
      }
    }
    this.prevHigh = high;
    this.prevLow = low;
    this.prevClose = close;
    return this.seen > p;
  }

  plusDi(): number {
    return isZero(this.trueRange) ? 0 : 100 * (this.plusDm / this.trueRange);
  }

  minusDi(): number {
    return isZero(this.trueRange) ? 0 : 100 * (this.minusDm / this.trueRange);
  }

  reset(): void {
    this.plusDm = 0;
    this.minusDm = 0;
    this.trueRange = 0;
    this.seen = 0;
    this.prevHigh = Number.NaN;
    this.prevLow = Number.NaN;
    this.prevClose = Number.NaN;
  }
}

export interface AdxResult {
  adx: number;
  plusDi: number;
  minusDi: number;
}

/**
 * TA-Lib ADX (lookback 2 * period - 1) with the +DI and -DI of the same bar. The DIs are the
 * values TA-Lib PLUS_DI / MINUS_DI give on that bar; they are reported from ADX's lookback on
 * so the result is one object. For the DIs alone from bar `period` on use `PlusDi` / `MinusDi`.
 * The result object is reused: copy it to keep it across updates.
 */
export class Adx implements BarIndicator<AdxResult> {
  readonly lookback: number;
  readonly period: number;
  private readonly dm: DirectionalMovement;
  private readonly out: AdxResult = { adx: Number.NaN, plusDi: Number.NaN, minusDi: Number.NaN };
  /** Bars that contributed a DX slot to the first mean (period of them, counted or not). */
  private dxSlots = 0;
  private sumDx = 0;
  private adx = Number.NaN;
  private stable = false;

  constructor(period = 14) {
    this.period = requirePeriod('ADX', 'period', period, 2);
    this.lookback = 2 * period - 1;
    this.dm = new DirectionalMovement(period);
  }

  update(bar: Bar): AdxResult | null {
    if (!this.dm.push(bar.high, bar.low, bar.close)) return null;
    const p = this.period;
    const dm = this.dm;
    let dx = 0;
    let hasDx = false;
    if (!isZero(dm.trueRange)) {
      const minusDi = 100 * (dm.minusDm / dm.trueRange);
      const plusDi = 100 * (dm.plusDm / dm.trueRange);
      const sum = minusDi + plusDi;
      if (!isZero(sum)) {
        dx = 100 * (Math.abs(minusDi - plusDi) / sum);
        hasDx = true;
      }
    }
    if (this.stable) {
      if (hasDx) this.adx = (this.adx * (p - 1) + dx) / p;
    } else {
      if (hasDx) this.sumDx += dx;
      this.dxSlots++;
      if (this.dxSlots < p) return null;
      this.adx = this.sumDx / p;
      this.stable = true;
    }
    this.out.adx = this.adx;
    this.out.plusDi = dm.plusDi();
    this.out.minusDi = dm.minusDi();
    return this.out;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): AdxResult | null {
    return this.stable ? this.out : null;
  }

  reset(): void {
    this.dm.reset();
    this.dxSlots = 0;
    this.sumDx = 0;
    this.adx = Number.NaN;
    this.stable = false;
    this.out.adx = Number.NaN;
    this.out.plusDi = Number.NaN;
    this.out.minusDi = Number.NaN;
  }
}

/** TA-Lib PLUS_DI (lookback = period). */
export class PlusDi implements BarIndicator {
  readonly lookback: number;
  readonly period: number;
  private readonly dm: DirectionalMovement;
  private result: number | null = null;

  constructor(period = 14) {
    this.period = requirePeriod('PLUS_DI', 'period', period, 2);
    this.lookback = period;
    this.dm = new DirectionalMovement(period);
  }

  update(bar: Bar): number | null {
    if (this.dm.push(bar.high, bar.low, bar.close)) this.result = this.dm.plusDi();
    return this.result;
  }

  isStable(): boolean {
    return this.result !== null;
  }

  getResult(): number | null {
    return this.result;
  }

  reset(): void {
    this.dm.reset();
    this.result = null;
  }
}

/** TA-Lib MINUS_DI (lookback = period). */
export class MinusDi implements BarIndicator {
  readonly lookback: number;
  readonly period: number;
  private readonly dm: DirectionalMovement;
  private result: number | null = null;

  constructor(period = 14) {
    this.period = requirePeriod('MINUS_DI', 'period', period, 2);
    this.lookback = period;
    this.dm = new DirectionalMovement(period);
  }

  update(bar: Bar): number | null {
    if (this.dm.push(bar.high, bar.low, bar.close)) this.result = this.dm.minusDi();
    return this.result;
  }

  isStable(): boolean {
    return this.result !== null;
  }

  getResult(): number | null {
    return this.result;
  }

  reset(): void {
    this.dm.reset();
    this.result = null;
  }
}

export interface AdxSeries {
  readonly adx: Float64Array;
  readonly plusDi: Float64Array;
  readonly minusDi: Float64Array;
}

/**
 * One pass of the directional movement system. `diFrom` is the first index the DI columns
 * are written at (period for PLUS_DI/MINUS_DI, 2 * period - 1 to mirror `Adx`).
 */
function directionalPass(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  diFrom: number,
  plusOut: Float64Array | null,
  minusOut: Float64Array | null,
  adxOut: Float64Array | null,
): void {
  const n = high.length;
  if (n <= period) return;
  let plusDm = 0;
  let minusDm = 0;
  let tr = 0;
  let prevHigh = high[0];
  let prevLow = low[0];
  for (let i = 1; i < period; i++) {
    const h = high[i];
    const l = low[i];
    const diffP = h - prevHigh;
    const diffM = prevLow - l;
    if (diffM > 0 && diffP < diffM) minusDm += diffM;
    else if (diffP > 0 && diffP > diffM) plusDm += diffP;
    tr += trueRange(h, l, close[i - 1]);
    prevHigh = h;
    prevLow = l;
  }
  const firstAdx = 2 * period - 1;
  const keep = period - 1;
  let sumDx = 0;
  let adx = Number.NaN;
  for (let i = period; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const diffP = h - prevHigh;
    const diffM = prevLow - l;
    plusDm -= plusDm / period;
    minusDm -= minusDm / period;
    if (diffM > 0 && diffP < diffM) minusDm += diffM;
    else if (diffP > 0 && diffP > diffM) plusDm += diffP;
    tr = tr - tr / period + trueRange(h, l, close[i - 1]);
    prevHigh = h;
    prevLow = l;
    const trZero = tr > -TA_EPSILON && tr < TA_EPSILON;
    const plusDi = trZero ? 0 : 100 * (plusDm / tr);
    const minusDi = trZero ? 0 : 100 * (minusDm / tr);
    if (i >= diFrom) {
      if (plusOut !== null) plusOut[i] = plusDi;
      if (minusOut !== null) minusOut[i] = minusDi;
    }
    if (adxOut === null) continue;
    const sum = minusDi + plusDi;
    const hasDx = !trZero && !(sum > -TA_EPSILON && sum < TA_EPSILON);
    if (i < firstAdx) {
      if (hasDx) sumDx += 100 * (Math.abs(minusDi - plusDi) / sum);
    } else if (i === firstAdx) {
      if (hasDx) sumDx += 100 * (Math.abs(minusDi - plusDi) / sum);
      adx = sumDx / period;
      adxOut[i] = adx;
    } else {
      if (hasDx) adx = (adx * keep + 100 * (Math.abs(minusDi - plusDi) / sum)) / period;
      adxOut[i] = adx;
    }
  }
}

/**
 * TA-Lib ADX with the +DI / -DI of the same bars, all three NaN for the first 2 * period - 1
 * bars, exactly as the `Adx` stream reports them. For TA-Lib PLUS_DI / MINUS_DI from bar
 * `period` on use `plusDi` / `minusDi`.
 */
export function adx(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): AdxSeries {
  requirePeriod('ADX', 'period', period, 2);
  const n = high.length;
  const series = { adx: nanArray(n), plusDi: nanArray(n), minusDi: nanArray(n) };
  directionalPass(high, low, close, period, 2 * period - 1, series.plusDi, series.minusDi, series.adx);
  return series;
}

/** TA-Lib PLUS_DI over whole columns: NaN for the first `period` bars. */
export function plusDi(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 14,
): Float64Array {
  requirePeriod('PLUS_DI', 'period', period, 2);
  const out = nanArray(high.length);
  directionalPass(high, low, close, period, period, out, null, null);
  return out;
}

/** TA-Lib MINUS_DI over whole columns: NaN for the first `period` bars. */
export function minusDi(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 14,
): Float64Array {
  requirePeriod('MINUS_DI', 'period', period, 2);
  const out = nanArray(high.length);
  directionalPass(high, low, close, period, period, null, out, null);
  return out;
}
