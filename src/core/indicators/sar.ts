import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { requireFinite, warmupArray } from './params.js';

function checkParams(acceleration: number, maximum: number): void {
  requireFinite('SAR', 'acceleration', acceleration);
  requireFinite('SAR', 'maximum', maximum);
  if (acceleration < 0) throw new RangeError(`SAR: acceleration must be >= 0, got ${acceleration}`);
  if (maximum < acceleration) {
    throw new RangeError(`SAR: maximum must be >= acceleration (${acceleration}), got ${maximum}`);
  }
}

/**
 * TA-Lib SAR (Wilder's parabolic stop and reverse), bootstrapped as ta_SAR.c does:
 * - the first bar is consumed (lookback 1): the direction for the second bar is short when
 *   that bar's -DM (previous low - low) is positive and larger than its +DM, long otherwise
 *   (ties go long);
 * - the initial SAR is the first bar's low when long (its high when short) and the initial
 *   extreme point is the second bar's high when long (its low when short);
 * - the value reported on a bar is the SAR in force during that bar (computed from earlier
 *   bars), except on a reversal bar, where it is the old extreme point pushed beyond the
 *   previous and current bars (at least their highs when turning short, at most their lows
 *   when turning long);
 * - after each bar the next SAR moves by af * (ep - sar) and is kept outside the previous and
 *   current bars' ranges. On the second bar "previous" is the second bar itself.
 * Parameters must be finite and >= 0, with acceleration <= maximum (TA-Lib silently lowers
 * the acceleration to the maximum; a config with them swapped is rejected here instead).
 */
export class Sar implements BarIndicator {
  readonly lookback = 1;
  readonly acceleration: number;
  readonly maximum: number;
  private seen = 0;
  private isLong = true;
  private af = 0;
  private ep = 0;
  private sar = 0;
  private prevHigh = Number.NaN;
  private prevLow = Number.NaN;
  /** The latest value, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(acceleration = 0.02, maximum = 0.2) {
    checkParams(acceleration, maximum);
    this.acceleration = acceleration;
    this.maximum = maximum;
    this.af = acceleration;
  }

  update(bar: Bar): number | null {
    const newHigh = bar.high;
    const newLow = bar.low;
    if (this.seen === 0) {
      this.seen = 1;
      this.prevHigh = newHigh;
      this.prevLow = newLow;
      return null;
    }
    let prevHigh = this.prevHigh;
    let prevLow = this.prevLow;
    if (this.seen === 1) {
      this.seen = 2;
      const diffM = prevLow - newLow;
      const diffP = newHigh - prevHigh;
      this.isLong = !(diffM > 0 && diffP < diffM);
      if (this.isLong) {
        this.ep = newHigh;
        this.sar = prevLow;
      } else {
        this.ep = newLow;
        this.sar = prevHigh;
      }
      prevHigh = newHigh;
      prevLow = newLow;
    }
    const accel = this.acceleration;
    let sar = this.sar;
    let out: number;
    if (this.isLong) {
      if (newLow <= sar) {
        this.isLong = false;
        sar = this.ep;
        if (sar < prevHigh) sar = prevHigh;
        if (sar < newHigh) sar = newHigh;
        out = sar;
        this.af = accel;
        this.ep = newLow;
        sar = sar + accel * (newLow - sar);
        if (sar < prevHigh) sar = prevHigh;
        if (sar < newHigh) sar = newHigh;
      } else {
        out = sar;
        if (newHigh > this.ep) {
          this.ep = newHigh;
          this.af = Math.min(this.af + accel, this.maximum);
        }
        sar = sar + this.af * (this.ep - sar);
        if (sar > prevLow) sar = prevLow;
        if (sar > newLow) sar = newLow;
      }
    } else if (newHigh >= sar) {
      this.isLong = true;
      sar = this.ep;
      if (sar > prevLow) sar = prevLow;
      if (sar > newLow) sar = newLow;
      out = sar;
      this.af = accel;
      this.ep = newHigh;
      sar = sar + accel * (newHigh - sar);
      if (sar > prevLow) sar = prevLow;
      if (sar > newLow) sar = newLow;
    } else {
      out = sar;
      if (newLow < this.ep) {
        this.ep = newLow;
        this.af = Math.min(this.af + accel, this.maximum);
      }
      sar = sar + this.af * (this.ep - sar);
      if (sar < prevHigh) sar = prevHigh;
      if (sar < newHigh) sar = newHigh;
    }
    this.sar = sar;
    this.prevHigh = newHigh;
    this.prevLow = newLow;
    this.value = out;
    this.stable = true;
    return out;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.seen = 0;
    this.isLong = true;
    this.af = this.acceleration;
    this.ep = 0;
    this.sar = 0;
    this.prevHigh = Number.NaN;
    this.prevLow = Number.NaN;
    this.value = Number.NaN;
    this.stable = false;
  }
}

/**
 * TA-Lib SAR over whole columns: NaN at index 0. The clamps and the extreme-point update are
 * written with Math.min / Math.max, which select the same values as TA-Lib's comparisons
 * without branches the CPU would mispredict.
 */
export function sar(high: Float64Array, low: Float64Array, acceleration = 0.02, maximum = 0.2): Float64Array {
  checkParams(acceleration, maximum);
  const n = high.length;
  const out = warmupArray(n, 1);
  if (n < 2) return out;
  const diffM = low[0] - low[1];
  const diffP = high[1] - high[0];
  let isLong = !(diffM > 0 && diffP < diffM);
  let af = acceleration;
  let ep = isLong ? high[1] : low[1];
  let value = isLong ? low[0] : high[0];
  let newHigh = high[1];
  let newLow = low[1];
  for (let i = 1; i < n; i++) {
    const prevHigh = newHigh;
    const prevLow = newLow;
    newHigh = high[i];
    newLow = low[i];
    if (isLong) {
      if (newLow <= value) {
        isLong = false;
        value = Math.max(ep, prevHigh, newHigh);
        out[i] = value;
        af = acceleration;
        ep = newLow;
        value = Math.max(value + af * (ep - value), prevHigh, newHigh);
      } else {
        out[i] = value;
        af = Math.min(af + acceleration * +(newHigh > ep), maximum);
        ep = Math.max(ep, newHigh);
        value = Math.min(value + af * (ep - value), prevLow, newLow);
      }
    } else if (newHigh >= value) {
      isLong = true;
      value = Math.min(ep, prevLow, newLow);
      out[i] = value;
      af = acceleration;
      ep = newHigh;
      value = Math.min(value + af * (ep - value), prevLow, newLow);
    } else {
      out[i] = value;
      af = Math.min(af + acceleration * +(newLow < ep), maximum);
      ep = Math.min(ep, newLow);
      value = Math.max(value + af * (ep - value), prevHigh, newHigh);
    }
  }
  return out;
}
