import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

/**
 * Commodity channel index, as TA-Lib's CCI: `(tp - mean) / (0.015 * meanDeviation)` over the
 * typical prices `(high + low + close) / 3` of the last `period` bars; 0 when either factor
 * is 0. The mean absolute deviation has no running form, so each update costs O(period),
 * as in TA-Lib. Both sums run over the circular buffer in slot order, TA-Lib's order, so the
 * rounding matches. Lookback `period - 1`.
 */
export class Cci implements BarIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly typical: Float64Array;
  private slot = 0;
  private seen = 0;
  /** The latest value, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(period: number) {
    this.period = requirePeriod('CCI', 'period', period, 2);
    this.lookback = period - 1;
    this.typical = new Float64Array(period);
  }

  update(bar: Bar): number | null {
    const p = this.period;
    const tp = (bar.high + bar.low + bar.close) / 3;
    const slot = this.slot;
    this.typical[slot] = tp;
    this.slot = slot + 1 === p ? 0 : slot + 1;
    if (this.seen < this.lookback) {
      this.seen++;
      return null;
    }
    const cci = cciOf(this.typical, p, tp);
    this.value = cci;
    this.stable = true;
    return cci;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.slot = 0;
    this.seen = 0;
    this.value = Number.NaN;
    this.stable = false;
  }
}

function cciOf(buffer: Float64Array, period: number, latest: number): number {
  let mean = 0;
  for (let j = 0; j < period; j++) mean += buffer[j];
  mean /= period;
  let deviation = 0;
  for (let j = 0; j < period; j++) deviation += Math.abs(buffer[j] - mean);
  return cciValue(latest - mean, deviation, period);
}

/** TA-Lib's final step; 0 when the bar sits on the mean or the window is flat. */
function cciValue(distance: number, deviationSum: number, period: number): number {
  return distance !== 0.0 && deviationSum !== 0.0 ? distance / (0.015 * (deviationSum / period)) : 0.0;
}

/**
 * CCI over whole columns: same length, NaN for the first `period - 1` values.
 *
 * The window mean must match TA-Lib's to the bit: on a flat window `tp - mean` is either 0
 * or a rounding residue, and TA-Lib then gives 0 or +-66.7. TA-Lib sums its circular buffer
 * in slot order, and slot `s` holds the typical price at an index congruent to `s` modulo
 * `period`; so the output at `i` sums `tp[q..i]` then `tp[i - period + 1..q - 1]`, with
 * `q = i - i % period`. Within one block of `period` outputs (same `q`) the heads are one
 * running sum and the tails all end at `q - 1`, so four outputs are summed side by side,
 * and their mean deviations too: four independent chains instead of one long dependent one.
 * The deviation's order of summation only moves its last bits.
 */
export function cci(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
): Float64Array {
  requirePeriod('CCI', 'period', period, 2);
  const n = close.length;
  const out = warmupArray(n, period - 1);
  if (n < period) return out;
  const tp = new Float64Array(n);
  for (let i = 0; i < n; i++) tp[i] = (high[i] + low[i] + close[i]) / 3;
  for (let q = 0; q < n; q += period) {
    const last = Math.min(q + period, n) - 1;
    let head = 0;
    let i = q;
    for (; i < period - 1; i++) head += tp[i];
    for (; i + 3 <= last; i += 4) {
      const h0 = head + tp[i];
      const h1 = h0 + tp[i + 1];
      const h2 = h1 + tp[i + 2];
      const h3 = h2 + tp[i + 3];
      head = h3;
      let s0 = h0;
      let s1 = h1;
      let s2 = h2;
      let s3 = h3;
      // Each tail starts one index later than the previous output's.
      let j = i - period + 1;
      if (j < q) {
        s0 += tp[j++];
        if (j < q) {
          let x = tp[j++];
          s0 += x;
          s1 += x;
          if (j < q) {
            x = tp[j++];
            s0 += x;
            s1 += x;
            s2 += x;
            for (; j < q; j++) {
              x = tp[j];
              s0 += x;
              s1 += x;
              s2 += x;
              s3 += x;
            }
          }
        }
      }
      const m0 = s0 / period;
      const m1 = s1 / period;
      const m2 = s2 / period;
      const m3 = s3 / period;
      j = i - period + 1;
      let x = tp[j];
      let d0 = Math.abs(x - m0);
      x = tp[j + 1];
      d0 += Math.abs(x - m0);
      let d1 = Math.abs(x - m1);
      x = tp[j + 2];
      d0 += Math.abs(x - m0);
      d1 += Math.abs(x - m1);
      let d2 = Math.abs(x - m2);
      let d3 = 0;
      for (j += 3; j <= i; j++) {
        x = tp[j];
        d0 += Math.abs(x - m0);
        d1 += Math.abs(x - m1);
        d2 += Math.abs(x - m2);
        d3 += Math.abs(x - m3);
      }
      x = tp[i + 1];
      d1 += Math.abs(x - m1);
      d2 += Math.abs(x - m2);
      d3 += Math.abs(x - m3);
      x = tp[i + 2];
      d2 += Math.abs(x - m2);
      d3 += Math.abs(x - m3);
      d3 += Math.abs(tp[i + 3] - m3);
      out[i] = cciValue(tp[i] - m0, d0, period);
      out[i + 1] = cciValue(tp[i + 1] - m1, d1, period);
      out[i + 2] = cciValue(tp[i + 2] - m2, d2, period);
      out[i + 3] = cciValue(tp[i + 3] - m3, d3, period);
    }
    for (; i <= last; i++) {
      head += tp[i];
      let sum = head;
      for (let j = i - period + 1; j < q; j++) sum += tp[j];
      const mean = sum / period;
      let deviation = 0;
      for (let j = i - period + 1; j <= i; j++) deviation += Math.abs(tp[j] - mean);
      out[i] = cciValue(tp[i] - mean, deviation, period);
    }
  }
  return out;
}
