import type { Bar } from '../candles/candle.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { RunningMean, WindowMax, WindowMin } from './ring.js';
import { smaInto } from './sma.js';

export interface StochResult {
  readonly slowK: number;
  readonly slowD: number;
}

/**
 * The streaming result, a class of its own: an object literal with these property names
 * would share V8's hidden class with the batch result (`{ slowK, slowD }` of Float64Arrays),
 * whose fields then stop holding raw doubles, and every update would box two numbers.
 */
class StochOutput implements StochResult {
  slowK = Number.NaN;
  slowD = Number.NaN;
}

/**
 * Slow stochastic, as TA-Lib's STOCH with its default SMA smoothing: fast %K =
 * `(close - lowest) / ((highest - lowest) / 100)` over `fastKPeriod` bars (0 on a flat range),
 * slow %K its SMA over `slowKPeriod`, slow %D that SMA again over `slowDPeriod`. Both outputs
 * start together, at lookback `(fastK - 1) + (slowK - 1) + (slowD - 1)`. Only SMA smoothing
 * is offered: it is TA-Lib's default and what the strategies use.
 */
export class Stoch implements BarIndicator<StochResult> {
  readonly fastKPeriod: number;
  readonly slowKPeriod: number;
  readonly slowDPeriod: number;
  readonly lookback: number;
  private readonly highest: WindowMax;
  private readonly lowest: WindowMin;
  private readonly slowKMean: RunningMean;
  private readonly slowDMean: RunningMean;
  private seen = 0;
  private readonly out = new StochOutput();
  private stable = false;

  constructor(fastKPeriod = 5, slowKPeriod = 3, slowDPeriod = 3) {
    this.fastKPeriod = requirePeriod('STOCH', 'fastKPeriod', fastKPeriod, 1);
    this.slowKPeriod = requirePeriod('STOCH', 'slowKPeriod', slowKPeriod, 1);
    this.slowDPeriod = requirePeriod('STOCH', 'slowDPeriod', slowDPeriod, 1);
    this.lookback = fastKPeriod - 1 + (slowKPeriod - 1) + (slowDPeriod - 1);
    this.highest = new WindowMax(fastKPeriod);
    this.lowest = new WindowMin(fastKPeriod);
    this.slowKMean = new RunningMean(slowKPeriod);
    this.slowDMean = new RunningMean(slowDPeriod);
  }

  update(bar: Bar): StochResult | null {
    // `add` and the `extreme` / `value` fields rather than methods returning numbers, which
    // box their result whenever V8 does not inline them.
    const highest = this.highest;
    const lowest = this.lowest;
    highest.add(bar.high);
    lowest.add(bar.low);
    if (this.seen < this.fastKPeriod - 1) {
      this.seen++;
      return null;
    }
    const low = lowest.extreme;
    const diff = (highest.extreme - low) / 100.0;
    const fastK = diff !== 0.0 ? (bar.close - low) / diff : 0.0;
    const slowK = this.slowKMean;
    const slowD = this.slowDMean;
    if (!slowK.push(fastK)) return null;
    if (!slowD.push(slowK.value)) return null;
    const out = this.out;
    out.slowK = slowK.value;
    out.slowD = slowD.value;
    this.stable = true;
    return out;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): StochResult | null {
    return this.stable ? this.out : null;
  }

  reset(): void {
    this.highest.reset();
    this.lowest.reset();
    this.slowKMean.reset();
    this.slowDMean.reset();
    this.seen = 0;
    this.stable = false;
  }
}

export interface StochSeries {
  readonly slowK: Float64Array;
  readonly slowD: Float64Array;
}

/** STOCH over whole columns: two series of the input's length, NaN before the lookback. */
export function stoch(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  fastKPeriod = 5,
  slowKPeriod = 3,
  slowDPeriod = 3,
): StochSeries {
  requirePeriod('STOCH', 'fastKPeriod', fastKPeriod, 1);
  requirePeriod('STOCH', 'slowKPeriod', slowKPeriod, 1);
  requirePeriod('STOCH', 'slowDPeriod', slowDPeriod, 1);
  const n = close.length;
  const lookback = fastKPeriod - 1 + (slowKPeriod - 1) + (slowDPeriod - 1);
  const slowK = warmupArray(n, lookback);
  const slowD = warmupArray(n, lookback);
  if (n <= lookback) return { slowK, slowD };
  const fastK = new Float64Array(n);
  fastStochInto(high, low, close, 0, fastKPeriod, fastK);
  const kStart = fastKPeriod - 1;
  smaInto(fastK, kStart, n, slowKPeriod, slowK);
  smaInto(slowK, kStart + slowKPeriod - 1, n, slowDPeriod, slowD);
  // TA-Lib reports slow %K only where slow %D exists.
  slowK.fill(Number.NaN, 0, lookback);
  return { slowK, slowD };
}

/**
 * Writes TA-Lib's fast %K of the bars from index `from` on into `out`, the first at
 * `from + period - 1`. Extremes are tracked by index and rescanned only when the current one
 * leaves the window, as TA-Lib does: on real prices this beat both a monotonic deque and
 * van Herk/Gil-Werman block extremes here. STOCHRSI calls it with one series as all three
 * inputs. Separate passes (rather than one fused loop with the SMA stages) measured faster
 * and, above all, steadier under V8.
 */
export function fastStochInto(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  from: number,
  period: number,
  out: Float64Array,
): void {
  const n = close.length;
  let highestIdx = -1;
  let lowestIdx = -1;
  let highest = 0;
  let lowest = 0;
  // Recomputed only when an extreme changes, as TA-Lib does.
  let diff = 0;
  for (let today = from + period - 1, trailing = from; today < n; today++, trailing++) {
    const l = low[today];
    if (lowestIdx < trailing) {
      lowestIdx = trailing;
      lowest = low[trailing];
      for (let i = trailing + 1; i <= today; i++) {
        if (low[i] < lowest) {
          lowestIdx = i;
          lowest = low[i];
        }
      }
      diff = (highest - lowest) / 100.0;
    } else if (l <= lowest) {
      lowestIdx = today;
      lowest = l;
      diff = (highest - lowest) / 100.0;
    }
    const h = high[today];
    if (highestIdx < trailing) {
      highestIdx = trailing;
      highest = high[trailing];
      for (let i = trailing + 1; i <= today; i++) {
        if (high[i] > highest) {
          highestIdx = i;
          highest = high[i];
        }
      }
      diff = (highest - lowest) / 100.0;
    } else if (h >= highest) {
      highestIdx = today;
      highest = h;
      diff = (highest - lowest) / 100.0;
    }
    out[today] = diff !== 0.0 ? (close[today] - lowest) / diff : 0.0;
  }
}
