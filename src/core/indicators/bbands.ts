import type { ValueIndicator } from './indicator.js';
import { requireFinite, requirePeriod, warmupArray } from './params.js';
import { deviationOf, RollingVariance } from './stddev.js';

export interface BbandsResult {
  readonly upper: number;
  readonly middle: number;
  readonly lower: number;
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
  private readonly out = { upper: 0, middle: 0, lower: 0 };
  private result: BbandsResult | null = null;

  constructor(period = 5, nbDevUp = 2, nbDevDn = 2) {
    this.period = requirePeriod('BBANDS', 'period', period, 2);
    this.nbDevUp = requireFinite('BBANDS', 'nbDevUp', nbDevUp);
    this.nbDevDn = requireFinite('BBANDS', 'nbDevDn', nbDevDn);
    this.lookback = period - 1;
    this.variance = new RollingVariance(period);
  }

  update(value: number): BbandsResult | null {
    if (!this.variance.push(value)) return null;
    const middle = this.variance.mean;
    const deviation = deviationOf(this.variance.variance);
    this.out.upper = middle + deviation * this.nbDevUp;
    this.out.middle = middle;
    this.out.lower = middle - deviation * this.nbDevDn;
    this.result = this.out;
    return this.result;
  }

  isStable(): boolean {
    return this.result !== null;
  }

  getResult(): BbandsResult | null {
    return this.result;
  }

  reset(): void {
    this.variance.reset();
    this.result = null;
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
