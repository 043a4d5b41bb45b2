import type { Bar } from '../candles/candle.js';
import type { StreamingIndicator } from './indicator.js';
import { nanArray, requireFinite } from './params.js';

/** A bar with its open time (Unix ms UTC), which VWAP needs to know where a session starts. */
export type TimedBar = Bar & { readonly openTime: number };

const DAY_MS = 86_400_000;

/**
 * Conventions shared by both VWAPs (not a TA-Lib function):
 * - price = typical price (high + low + close) / 3, weighted by the bar's volume, summed from
 *   the session's first bar through the current one: VWAP = sum(tp * v) / sum(v);
 * - while the session's cumulative volume is 0 (a session opening with zero-volume placeholder
 *   candles) there is no weight to average with, so the VWAP is the current bar's typical
 *   price; the first traded volume then takes over completely;
 * - lookback 0: every bar of a session has a value, the first one its own typical price.
 */
function sessionValue(sumPv: number, sumV: number, typical: number): number {
  return sumV > 0 ? sumPv / sumV : typical;
}

/**
 * VWAP anchored to each UTC calendar day: the sums restart on the first bar whose open time
 * falls on a different UTC day (00:00 UTC boundary) than the previous bar's, so a gap that
 * skips days still starts a fresh session.
 */
export class Vwap implements StreamingIndicator<TimedBar, number> {
  readonly lookback = 0;
  private day = Number.NaN;
  private sumPv = 0;
  private sumV = 0;
  /** The latest value, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  update(bar: TimedBar): number | null {
    const day = Math.floor(bar.openTime / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.sumPv = 0;
      this.sumV = 0;
    }
    const typical = (bar.high + bar.low + bar.close) / 3;
    this.sumPv += typical * bar.volume;
    this.sumV += bar.volume;
    const vwap = sessionValue(this.sumPv, this.sumV, typical);
    this.value = vwap;
    this.stable = true;
    return vwap;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.day = Number.NaN;
    this.sumPv = 0;
    this.sumV = 0;
    this.value = Number.NaN;
    this.stable = false;
  }
}

/** Daily (UTC) VWAP over whole columns; no warm-up. */
export function vwap(
  openTime: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
): Float64Array {
  const n = high.length;
  const out = new Float64Array(n);
  let day = Number.NaN;
  let sumPv = 0;
  let sumV = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.floor(openTime[i] / DAY_MS);
    if (d !== day) {
      day = d;
      sumPv = 0;
      sumV = 0;
    }
    const typical = (high[i] + low[i] + close[i]) / 3;
    const v = volume[i];
    sumPv += typical * v;
    sumV += v;
    out[i] = sumV > 0 ? sumPv / sumV : typical;
  }
  return out;
}

/**
 * VWAP anchored at a given time (e.g. a swing or an event): bars that open before
 * `anchorTime` are ignored (no result, no state), the session starts with the first bar that
 * opens at or after it and never restarts. Lookback 0 counted from that bar.
 */
export class AnchoredVwap implements StreamingIndicator<TimedBar, number> {
  readonly lookback = 0;
  readonly anchorTime: number;
  private sumPv = 0;
  private sumV = 0;
  /** The latest value, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(anchorTime: number) {
    this.anchorTime = requireFinite('AnchoredVWAP', 'anchorTime', anchorTime);
  }

  update(bar: TimedBar): number | null {
    if (bar.openTime < this.anchorTime) return this.stable ? this.value : null;
    const typical = (bar.high + bar.low + bar.close) / 3;
    this.sumPv += typical * bar.volume;
    this.sumV += bar.volume;
    const vwap = sessionValue(this.sumPv, this.sumV, typical);
    this.value = vwap;
    this.stable = true;
    return vwap;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.sumPv = 0;
    this.sumV = 0;
    this.value = Number.NaN;
    this.stable = false;
  }
}

/** Anchored VWAP over whole columns: NaN for bars that open before `anchorTime`. */
export function anchoredVwap(
  openTime: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  anchorTime: number,
): Float64Array {
  requireFinite('AnchoredVWAP', 'anchorTime', anchorTime);
  const n = high.length;
  const out = nanArray(n);
  let sumPv = 0;
  let sumV = 0;
  for (let i = 0; i < n; i++) {
    if (openTime[i] < anchorTime) continue;
    const typical = (high[i] + low[i] + close[i]) / 3;
    const v = volume[i];
    sumPv += typical * v;
    sumV += v;
    out[i] = sumV > 0 ? sumPv / sumV : typical;
  }
  return out;
}
