import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

/**
 * TA-Lib MFI. Money flow = typical price (h + l + c) / 3 times volume, counted as positive
 * when the typical price rose from the previous bar, negative when it fell, and in neither
 * sum when it is unchanged. MFI = 100 * positive / (positive + negative) over the last
 * `period` flows; the first bar only gives a previous typical price, so the lookback is
 * `period`. Like TA-Lib, a window whose total flow is below 1.0 (e.g. zero-volume bars) gives 0,
 * and the rolling sums subtract the leaving flow before adding the new one, in TA-Lib's order,
 * so the floating-point drift is TA-Lib's too.
 */
export class Mfi implements BarIndicator {
  readonly lookback: number;
  readonly period: number;
  private readonly positive: Float64Array;
  private readonly negative: Float64Array;
  private slot = 0;
  private seen = 0;
  private posSum = 0;
  private negSum = 0;
  private prevTypical = Number.NaN;
  /** The latest value, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(period = 14) {
    this.period = requirePeriod('MFI', 'period', period, 2);
    this.lookback = period;
    this.positive = new Float64Array(period);
    this.negative = new Float64Array(period);
  }

  update(bar: Bar): number | null {
    const typical = (bar.high + bar.low + bar.close) / 3;
    if (this.seen === 0) {
      this.seen = 1;
      this.prevTypical = typical;
      return null;
    }
    const slot = this.slot;
    let posSum = this.posSum - this.positive[slot];
    let negSum = this.negSum - this.negative[slot];
    const change = typical - this.prevTypical;
    this.prevTypical = typical;
    const flow = typical * bar.volume;
    if (change < 0) {
      this.negative[slot] = flow;
      negSum += flow;
      this.positive[slot] = 0;
    } else if (change > 0) {
      this.positive[slot] = flow;
      posSum += flow;
      this.negative[slot] = 0;
    } else {
      this.positive[slot] = 0;
      this.negative[slot] = 0;
    }
    this.posSum = posSum;
    this.negSum = negSum;
    this.slot = slot + 1 === this.period ? 0 : slot + 1;
    if (this.seen < this.period) {
      this.seen++;
      return null;
    }
    const total = posSum + negSum;
    const mfi = total < 1 ? 0 : 100 * (posSum / total);
    this.value = mfi;
    this.stable = true;
    return mfi;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.positive.fill(0);
    this.negative.fill(0);
    this.slot = 0;
    this.seen = 0;
    this.posSum = 0;
    this.negSum = 0;
    this.prevTypical = Number.NaN;
    this.value = Number.NaN;
    this.stable = false;
  }
}

/** TA-Lib MFI over whole columns: NaN for the first `period` bars. */
export function mfi(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period = 14,
): Float64Array {
  requirePeriod('MFI', 'period', period, 2);
  const n = high.length;
  const out = warmupArray(n, period);
  if (n <= period) return out;
  const positive = new Float64Array(period);
  const negative = new Float64Array(period);
  let posSum = 0;
  let negSum = 0;
  let prevTypical = (high[0] + low[0] + close[0]) / 3;
  let slot = 0;
  // Flows are sorted into the sums arithmetically (flow * (rose ? 1 : 0)) rather than with
  // a branch on the sign of the change, which real prices mispredict about half the time.
  // Adding the zero leaves a sum's bits unchanged, so this is TA-Lib's arithmetic.
  for (let i = 1; i < period; i++) {
    const typical = (high[i] + low[i] + close[i]) / 3;
    const flow = typical * volume[i];
    const pos = +(typical > prevTypical) * flow;
    const neg = +(typical < prevTypical) * flow;
    prevTypical = typical;
    positive[slot] = pos;
    negative[slot] = neg;
    posSum += pos;
    negSum += neg;
    slot++;
  }
  for (let i = period; i < n; i++) {
    posSum -= positive[slot];
    negSum -= negative[slot];
    const typical = (high[i] + low[i] + close[i]) / 3;
    const flow = typical * volume[i];
    const pos = +(typical > prevTypical) * flow;
    const neg = +(typical < prevTypical) * flow;
    prevTypical = typical;
    positive[slot] = pos;
    negative[slot] = neg;
    posSum += pos;
    negSum += neg;
    if (++slot === period) slot = 0;
    const total = posSum + negSum;
    out[i] = total < 1 ? 0 : 100 * (posSum / total);
  }
  return out;
}
