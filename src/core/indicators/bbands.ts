import type { ValueIndicator } from './indicator.js';
import { requireFinite, requirePeriod, warmupArray } from './params.js';
import { deviationOf, RollingVariance } from './stddev.js';

export interface BbandsResult {
  readonly upper: number;
  readonly middle: number;
  readonly lower: number;
}

/**
 * The streaming result, a class of its own: an object literal with these property names
 * would share V8's hidden class with the batch result (`{ upper, middle, lower }` of
 * Float64Arrays), whose fields then stop holding raw doubles, and every update would box
 * three numbers on the heap.
 */
class BbandsOutput implements BbandsResult {
  upper = Number.NaN;
  middle = Number.NaN;
  lower = Number.NaN;
}

/**
 * Bollinger Bands, as TA-Lib's BBANDS with its default SMA middle band: the bands sit
 * `nbDevUp` / `nbDevDn` population standard deviations from the SMA, the deviation computed
 * with TA-Lib's running-sum arithmetic. Lookback `period - 1`.
 */
export class Bbands implements ValueIndicator<BbandsResult> {
  readonly period: number;
  readonly nbDevUp: number;
  readonly nbDevDn: number;
  readonly lookback: number;
  private readonly variance: RollingVariance;
  private readonly out = new BbandsOutput();
  private stable = false;

  constructor(period = 5, nbDevUp = 2, nbDevDn = 2) {
    this.period = requirePeriod('BBANDS', 'period', period, 2);
    this.nbDevUp = requireFinite('BBANDS', 'nbDevUp', nbDevUp);
    this.nbDevDn = requireFinite('BBANDS', 'nbDevDn', nbDevDn);
    this.lookback = period - 1;
    this.variance = new RollingVariance(period);
  }

  update(value: number): BbandsResult | null {
    const variance = this.variance;
    if (!variance.push(value)) return null;
    const middle = variance.mean;
    const deviation = deviationOf(variance.variance);
    const out = this.out;
    out.upper = middle + deviation * this.nbDevUp;
    out.middle = middle;
    out.lower = middle - deviation * this.nbDevDn;
    this.stable = true;
    return out;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): BbandsResult | null {
    return this.stable ? this.out : null;
  }

  reset(): void {
    this.variance.reset();
    this.stable = false;
  }
}

export interface BbandsSeries {
  readonly upper: Float64Array;
  readonly middle: Float64Array;
  readonly lower: Float64Array;
}

/** BBANDS over a whole series: three series of the input's length, NaN before the lookback. */
export function bbands(values: Float64Array, period = 5, nbDevUp = 2, nbDevDn = 2): BbandsSeries {
  requirePeriod('BBANDS', 'period', period, 2);
  requireFinite('BBANDS', 'nbDevUp', nbDevUp);
  requireFinite('BBANDS', 'nbDevDn', nbDevDn);
  const n = values.length;
  const upper = warmupArray(n, period - 1);
  const middle = warmupArray(n, period - 1);
  const lower = warmupArray(n, period - 1);
  if (n < period) return { upper, middle, lower };
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < period - 1; i++) {
    const x = values[i];
    sum += x;
    sumSquares += x * x;
  }
  for (let i = period - 1, t = 0; i < n; i++, t++) {
    const x = values[i];
    sum += x;
    sumSquares += x * x;
    const mean = sum / period;
    const meanSquares = sumSquares / period;
    const leaving = values[t];
    sum -= leaving;
    sumSquares -= leaving * leaving;
    const v = meanSquares - mean * mean;
    const deviation = v < 1e-14 ? 0.0 : Math.sqrt(v);
    middle[i] = mean;
    upper[i] = mean + deviation * nbDevUp;
    lower[i] = mean - deviation * nbDevDn;
  }
  return { upper, middle, lower };
}
