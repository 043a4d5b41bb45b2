import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { nanArray, requirePeriod } from './params.js';

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
  private result: number | null = null;

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
    this.result = cciOf(this.typical, p, tp);
    return this.result;
  }

  isStable(): boolean {
    return this.result !== null;
  }

  getResult(): number | null {
    return this.result;
  }

  reset(): void {
    this.slot = 0;
    this.seen = 0;
    this.result = null;
  }
}

function cciOf(buffer: Float64Array, period: number, latest: number): number {
  let mean = 0;
  for (let j = 0; j < period; j++) mean += buffer[j];
  mean /= period;
  let deviation = 0;
  for (let j = 0; j < period; j++) deviation += Math.abs(buffer[j] - mean);
  const distance = latest - mean;
  return distance !== 0.0 && deviation !== 0.0 ? distance / (0.015 * (deviation / period)) : 0.0;
}

/** CCI over whole columns: same length, NaN for the first `period - 1` values. */
export function cci(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
): Float64Array {
  requirePeriod('CCI', 'period', period, 2);
  const n = close.length;
  const out = nanArray(n);
  if (n < period) return out;
  const buffer = new Float64Array(period);
  let slot = 0;
  for (let i = 0; i < period - 1; i++) {
    buffer[slot++] = (high[i] + low[i] + close[i]) / 3;
  }
  for (let i = period - 1; i < n; i++) {
    const tp = (high[i] + low[i] + close[i]) / 3;
    buffer[slot] = tp;
    slot = slot + 1 === period ? 0 : slot + 1;
    out[i] = cciOf(buffer, period, tp);
  }
  return out;
}
