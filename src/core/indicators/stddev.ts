import type { ValueIndicator } from './indicator.js';
import { requireFinite, requirePeriod, warmupArray } from './params.js';
import { Float64Ring } from './ring.js';

/** TA-Lib's TA_IS_ZERO_OR_NEG threshold: a variance below it is reported as a deviation of 0. */
const EPSILON = 1e-14;

/**
 * Rolling population variance with TA-Lib's arithmetic (running sums of values and squares,
 * `mean(x^2) - mean(x)^2`). That form loses digits on prices far from zero, but it is what
 * TA-Lib computes and parity is the point; BBANDS shares it.
 */
export class RollingVariance {
  readonly period: number;
  private readonly window: Float64Ring;
  private sum = 0;
  private sumSquares = 0;
  /** Latest window mean and variance, valid once `push` returned true. */
  mean = Number.NaN;
  variance = Number.NaN;

  constructor(period: number) {
    this.period = period;
    this.window = new Float64Ring(period);
  }

  push(x: number): boolean {
    this.sum += x;
    this.sumSquares += x * x;
    this.window.push(x);
    if (!this.window.isFull()) return false;
    const mean = this.sum / this.period;
    const meanSquares = this.sumSquares / this.period;
    const leaving = this.window.oldest();
    this.sum -= leaving;
    this.sumSquares -= leaving * leaving;
    this.mean = mean;
    this.variance = meanSquares - mean * mean;
    return true;
  }

  reset(): void {
    this.window.reset();
    this.sum = 0;
    this.sumSquares = 0;
    this.mean = Number.NaN;
    this.variance = Number.NaN;
  }
}

/** Square root of a TA-Lib variance: tiny or negative (rounding) variances give exactly 0. */
export function deviationOf(variance: number): number {
  return variance < EPSILON ? 0.0 : Math.sqrt(variance);
}

/**
 * Population standard deviation times `nbDev`, as TA-Lib's STDDEV. Lookback `period - 1`.
 */
export class StdDev implements ValueIndicator {
  readonly period: number;
  readonly nbDev: number;
  readonly lookback: number;
  private readonly variance: RollingVariance;
  private result: number | null = null;

  constructor(period: number, nbDev = 1) {
    this.period = requirePeriod('STDDEV', 'period', period, 2);
    this.nbDev = requireFinite('STDDEV', 'nbDev', nbDev);
    this.lookback = period - 1;
    this.variance = new RollingVariance(period);
  }

  update(value: number): number | null {
    if (!this.variance.push(value)) return null;
    const v = this.variance.variance;
    this.result = v < EPSILON ? 0.0 : Math.sqrt(v) * this.nbDev;
    return this.result;
  }

  isStable(): boolean {
    return this.result !== null;
  }

  getResult(): number | null {
    return this.result;
  }

  reset(): void {
    this.variance.reset();
    this.result = null;
  }
}

/** STDDEV over a whole series: same length, NaN for the first `period - 1` values. */
export function stddev(values: Float64Array, period: number, nbDev = 1): Float64Array {
  requirePeriod('STDDEV', 'period', period, 2);
  requireFinite('STDDEV', 'nbDev', nbDev);
  const n = values.length;
  const out = warmupArray(n, period - 1);
  if (n < period) return out;
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
    out[i] = v < EPSILON ? 0.0 : Math.sqrt(v) * nbDev;
  }
  return out;
}
