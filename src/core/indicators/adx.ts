import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { trueRange } from './trange.js';

/**
 * Wilder's directional movement system as TA-Lib computes it (ta_ADX.c, ta_PLUS_DI.c,
 * ta_MINUS_DI.c):
 * - one-bar +DM / -DM: the larger of today's upward and downward range extensions, the other
 *   set to 0; both 0 when they tie or neither is positive;
 * - bars 1..period-1 are summed, from bar `period` on every sum is Wilder-smoothed
 *   (s * (period - 1) / period + today), for +DM, -DM and the true range alike;
 * - +DI = 100 * +DM / TR (0 when TR is zero by TA-Lib's 1e-14 test), so +DI/-DI first exist at
 *   bar `period` (TA-Lib PLUS_DI / MINUS_DI lookback = period);
 * - DX = 100 * |-DI - +DI| / (-DI + +DI), the first ADX is the mean of the DX of bars
 *   period..2*period-1 (lookback 2*period - 1), later ones Wilder-smoothed. A bar whose TR or
 *   DI sum is zero has no DX: it adds nothing to the first mean and leaves the ADX unchanged.
 * Arithmetic differs from TA-Lib's only in rounding, kept well inside the 1e-9 parity
 * tolerance (measured ~1e-14 relative), for speed: the smoothing multiplies by
 * (period - 1) / period instead of subtracting s / period (a division on the loop-carried
 * chain), DX is taken from the DMs directly (the TR cancels), and the +DM / -DM choice is
 * arithmetic rather than a branch, which real prices mispredict about half the time. The
 * streaming and batch faces do this arithmetic in the same operations, so they agree bit for
 * bit.
 * Periods start at 2 (TA-Lib allows 1 for PLUS_DI/MINUS_DI but then returns a bare ratio,
 * not a percentage, which no caller wants).
 */

const TA_EPSILON = 1e-14;

function isZero(v: number): boolean {
  return v > -TA_EPSILON && v < TA_EPSILON;
}

/**
 * TA-Lib's "DI sum is zero" test, 100 * (-DM / TR) + 100 * (+DM / TR) < 1e-14, without the
 * divisions (TR > 0 here, both DMs >= 0).
 */
function hasDx(plusDm: number, minusDm: number, tr: number): boolean {
  return !isZero(tr) && (plusDm + minusDm) * 100 >= TA_EPSILON * tr;
}

/** The smoothed +DM, -DM and TR shared by the three streaming faces. */
class DirectionalMovement {
  readonly period: number;
  private readonly decay: number;
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
    this.decay = (period - 1) / period;
  }

  /** Takes one bar; true when the sums are Wilder-smoothed (bar index >= period). */
  push(high: number, low: number, close: number): boolean {
    const seen = this.seen;
    if (seen === 0) {
      this.seen = 1;
    } else {
      const diffP = high - this.prevHigh;
      const diffM = this.prevLow - low;
      const up = (diffP + Math.abs(diffP)) * 0.5;
      const down = (diffM + Math.abs(diffM)) * 0.5;
      const plus = +(up > down) * up;
      const minus = +(down > up) * down;
      const tr = trueRange(high, low, this.prevClose);
      if (seen < this.period) {
        this.plusDm += plus;
        this.minusDm += minus;
        this.trueRange += tr;
        this.seen = seen + 1;
      } else {
        const decay = this.decay;
        this.plusDm = this.plusDm * decay + plus;
        this.minusDm = this.minusDm * decay + minus;
        this.trueRange = this.trueRange * decay + tr;
        if (seen === this.period) this.seen = seen + 1;
      }
    }
    this.prevHigh = high;
    this.prevLow = low;
    this.prevClose = close;
    return this.seen > this.period;
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
 * The streaming result, a class of its own: an object literal with these property names
 * would share V8's hidden class with the batch result of `adxWithDi` (Float64Arrays), whose
 * fields then stop holding raw doubles, and every update would box three numbers on the heap.
 */
class AdxOutput implements AdxResult {
  adx = Number.NaN;
  plusDi = Number.NaN;
  minusDi = Number.NaN;
}

/**
 * TA-Lib ADX (lookback 2 * period - 1) with the +DI and -DI of the same bar. The DIs are the
 * values TA-Lib PLUS_DI / MINUS_DI give on that bar; they are reported from ADX's lookback on
 * so the result is one object (batch face: `adxWithDi`). For the DIs alone from bar `period` on
 * use `PlusDi` / `MinusDi`. The result object is reused: copy it to keep it across updates.
 */
export class Adx implements BarIndicator<AdxResult> {
  readonly lookback: number;
  readonly period: number;
  private readonly dm: DirectionalMovement;
  private readonly keep: number;
  private readonly weight: number;
  private readonly out = new AdxOutput();
  /** Bars that had their chance to add a DX to the first mean (period of them). */
  private dxSlots = 0;
  private sumDx = 0;
  private adx = Number.NaN;
  private stable = false;

  constructor(period = 14) {
    this.period = requirePeriod('ADX', 'period', period, 2);
    this.lookback = 2 * period - 1;
    this.dm = new DirectionalMovement(period);
    this.keep = (period - 1) / period;
    this.weight = 100 / period;
  }

  update(bar: Bar): AdxResult | null {
    const dm = this.dm;
    if (!dm.push(bar.high, bar.low, bar.close)) return null;
    const plusDm = dm.plusDm;
    const minusDm = dm.minusDm;
    const tr = dm.trueRange;
    const counted = hasDx(plusDm, minusDm, tr);
    if (this.stable) {
      if (counted)
        this.adx = this.adx * this.keep + this.weight * (Math.abs(plusDm - minusDm) / (plusDm + minusDm));
    } else {
      if (counted) this.sumDx += 100 * (Math.abs(plusDm - minusDm) / (plusDm + minusDm));
      if (++this.dxSlots < this.period) return null;
      this.adx = this.sumDx / this.period;
      this.stable = true;
    }
    // The DIs are computed here rather than through helpers returning numbers, which box
    // their result whenever V8 does not inline them.
    const trZero = isZero(tr);
    const out = this.out;
    out.adx = this.adx;
    out.plusDi = trZero ? 0 : 100 * (plusDm / tr);
    out.minusDi = trZero ? 0 : 100 * (minusDm / tr);
    return out;
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

/** TA-Lib PLUS_DI or MINUS_DI as a stream (lookback = period): `PlusDi`, `MinusDi`. */
abstract class DirectionalIndexStream implements BarIndicator {
  readonly lookback: number;
  readonly period: number;
  private readonly dm: DirectionalMovement;
  private readonly plus: boolean;
  /** The latest DI, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(name: 'PLUS_DI' | 'MINUS_DI', period: number) {
    this.period = requirePeriod(name, 'period', period, 2);
    this.lookback = period;
    this.dm = new DirectionalMovement(period);
    this.plus = name === 'PLUS_DI';
  }

  update(bar: Bar): number | null {
    const dm = this.dm;
    if (!dm.push(bar.high, bar.low, bar.close)) return this.stable ? this.value : null;
    const tr = dm.trueRange;
    const di = isZero(tr) ? 0 : 100 * ((this.plus ? dm.plusDm : dm.minusDm) / tr);
    this.value = di;
    this.stable = true;
    return di;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.dm.reset();
    this.value = Number.NaN;
    this.stable = false;
  }
}

/** TA-Lib PLUS_DI (lookback = period). */
export class PlusDi extends DirectionalIndexStream {
  constructor(period = 14) {
    super('PLUS_DI', period);
  }
}

/** TA-Lib MINUS_DI (lookback = period). */
export class MinusDi extends DirectionalIndexStream {
  constructor(period = 14) {
    super('MINUS_DI', period);
  }
}

export interface AdxSeries {
  readonly adx: Float64Array;
  readonly plusDi: Float64Array;
  readonly minusDi: Float64Array;
}

/**
 * The one batch pass behind `adx`, `adxWithDi`, `plusDi` and `minusDi`: writes the outputs
 * asked for (null: not wanted) from the first bar that has them all, ADX's lookback
 * 2 * period - 1 when `adxOut` is given, else `period`; earlier indices are left as they are.
 */
function directionalInto(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  adxOut: Float64Array | null,
  plusOut: Float64Array | null,
  minusOut: Float64Array | null,
): void {
  const n = high.length;
  const decay = (period - 1) / period;
  directionalLoop(high, low, close, n, period, decay, 100 / period, adxOut, plusOut, minusOut);
}

/**
 * `directionalInto`'s loop. Bar for bar it does what `DirectionalMovement.push` and `Adx.update`
 * do, in the same operations (the parity test holds stream and batch to the same bits), with the
 * sums in locals and no calls: on 1M candles, driving the streaming objects from here ran 25-45%
 * slower, and calling helpers sometimes left V8 running slow on-stack-replaced code for good.
 * It takes every number it needs as an argument and reads nothing before the loop, for the same
 * reason: such reads have no type feedback yet on a first call over long columns, V8 then drops
 * the compiled function on the next call and keeps running the slower replaced loop (3x, measured).
 */
function directionalLoop(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  n: number,
  period: number,
  decay: number,
  weight: number,
  adxOut: Float64Array | null,
  plusOut: Float64Array | null,
  minusOut: Float64Array | null,
): void {
  // one test per bar instead of two when only ADX is asked for: 5% of `adx` (measured)
  const withDi = plusOut !== null || minusOut !== null;
  let plusDm = 0;
  let minusDm = 0;
  let tr = 0;
  let sumDx = 0;
  let adx = 0;
  for (let i = 1; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const diffP = h - high[i - 1];
    const diffM = low[i - 1] - l;
    const up = (diffP + Math.abs(diffP)) * 0.5;
    const down = (diffM + Math.abs(diffM)) * 0.5;
    const prevClose = close[i - 1];
    let t = h - l;
    const fromHigh = Math.abs(prevClose - h);
    if (fromHigh > t) t = fromHigh;
    const fromLow = Math.abs(prevClose - l);
    if (fromLow > t) t = fromLow;
    // bars 1..period-1 are summed (s * 1 + x is exactly s + x), later ones Wilder-smoothed
    const keep = i < period ? 1 : decay;
    plusDm = plusDm * keep + +(up > down) * up;
    minusDm = minusDm * keep + +(down > up) * down;
    tr = tr * keep + t;
    if (i < period) continue;
    const trZero = tr > -TA_EPSILON && tr < TA_EPSILON;
    if (adxOut !== null) {
      const counted = !trZero && (plusDm + minusDm) * 100 >= TA_EPSILON * tr;
      // bars period..2*period-1 give the first ADX as the mean of their DX
      if (i >= 2 * period) {
        if (counted) adx = adx * decay + weight * (Math.abs(plusDm - minusDm) / (plusDm + minusDm));
      } else {
        if (counted) sumDx += 100 * (Math.abs(plusDm - minusDm) / (plusDm + minusDm));
        if (i < 2 * period - 1) continue;
        adx = sumDx / period;
      }
      adxOut[i] = adx;
    }
    if (withDi) {
      if (plusOut !== null) plusOut[i] = trZero ? 0 : 100 * (plusDm / tr);
      if (minusOut !== null) minusOut[i] = trZero ? 0 : 100 * (minusDm / tr);
    }
  }
}

/** TA-Lib ADX over whole columns: NaN for the first 2 * period - 1 bars. */
export function adx(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  requirePeriod('ADX', 'period', period, 2);
  const out = warmupArray(high.length, 2 * period - 1);
  directionalInto(high, low, close, period, out, null, null);
  return out;
}

/**
 * TA-Lib ADX with the +DI / -DI of the same bars, all three NaN for the first 2 * period - 1
 * bars: the batch face of the `Adx` stream. For TA-Lib PLUS_DI / MINUS_DI from bar `period`
 * on use `plusDi` / `minusDi`.
 */
export function adxWithDi(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 14,
): AdxSeries {
  requirePeriod('ADX', 'period', period, 2);
  const n = high.length;
  const lookback = 2 * period - 1;
  const series = {
    adx: warmupArray(n, lookback),
    plusDi: warmupArray(n, lookback),
    minusDi: warmupArray(n, lookback),
  };
  directionalInto(high, low, close, period, series.adx, series.plusDi, series.minusDi);
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
  const out = warmupArray(high.length, period);
  directionalInto(high, low, close, period, null, out, null);
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
  const out = warmupArray(high.length, period);
  directionalInto(high, low, close, period, null, null, out);
  return out;
}
