import type { ValueIndicator } from './indicator.js';
import { requireFinite, requirePeriod, warmupArray } from './params.js';

/** TA-Lib's TA_IS_ZERO_OR_NEG threshold: a variance below it is reported as a deviation of 0. */
const EPSILON = 1e-14;

/**
 * Rolling population variance with TA-Lib's arithmetic (running sums of values and squares,
 * `mean(x^2) - mean(x)^2`). That form loses digits on prices far from zero, but it is what
 * TA-Lib computes and parity is the point; BBANDS shares it.
 *
 * The window is a ring kept here (no helper calls per update). The sums kept between pushes
 * still include the oldest value; the next push subtracts it, read from the slot the new
 * value overwrites, and then adds the new one: TA-Lib's order of operations exactly.
 */
export class RollingVariance {
  readonly period: number;
  private readonly window: Float64Array;
  /** Slot the next value goes to; once the window is full, the slot of the oldest value. */
  private slot = 0;
  private filled = 0;
  private sum = 0;
  private sumSquares = 0;
  /** Latest window mean and variance, valid once `push` returned true. */
  mean = Number.NaN;
  variance = Number.NaN;

  constructor(period: number) {
    this.period = period;
    this.window = new Float64Array(period);
  }

  push(x: number): boolean {
    const window = this.window;
    const slot = this.slot;
    let sum: number;
    let sumSquares: number;
    if (this.filled === this.period) {
      const leaving = window[slot];
      sum = this.sum - leaving + x;
      sumSquares = this.sumSquares - leaving * leaving + x * x;
    } else {
      sum = this.sum + x;
      sumSquares = this.sumSquares + x * x;
      this.filled++;
    }
    window[slot] = x;
    this.slot = slot + 1 === this.period ? 0 : slot + 1;
    this.sum = sum;
    this.sumSquares = sumSquares;
    if (this.filled < this.period) return false;
    const mean = sum / this.period;
    this.mean = mean;
    this.variance = sumSquares / this.period - mean * mean;
    return true;
  }

  reset(): void {
    this.slot = 0;
    this.filled = 0;
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
  /** The latest value, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(period: number, nbDev = 1) {
    this.period = requirePeriod('STDDEV', 'period', period, 2);
    this.nbDev = requireFinite('STDDEV', 'nbDev', nbDev);
    this.lookback = period - 1;
    this.variance = new RollingVariance(period);
  }

  update(value: number): number | null {
    if (!this.variance.push(value)) return null;
    const v = this.variance.variance;
    const deviation = v < EPSILON ? 0.0 : Math.sqrt(v) * this.nbDev;
    this.value = deviation;
    this.stable = true;
    return deviation;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.variance.reset();
    this.value = Number.NaN;
    this.stable = false;
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
