import { Ema } from './ema.js';
import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

/**
 * Double EMA, as TA-Lib's DEMA: `2 * ema1 - ema2`, where ema2 is the EMA of ema1 seeded with
 * the SMA of ema1's first `period` values. Lookback `2 * (period - 1)`.
 */
export class Dema implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly first: Ema;
  private readonly second: Ema;
  /** The latest DEMA, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(period: number) {
    this.period = requirePeriod('DEMA', 'period', period, 2);
    this.lookback = 2 * (period - 1);
    this.first = new Ema(period);
    this.second = new Ema(period);
  }

  update(value: number): number | null {
    // `updateOrNaN`, not `update`: a `number | null` return would box both EMAs on every step.
    const first = this.first;
    const e1 = first.updateOrNaN(value);
    if (!first.isStable()) return null;
    const second = this.second;
    const e2 = second.updateOrNaN(e1);
    if (!second.isStable()) return null;
    const dema = 2.0 * e1 - e2;
    this.value = dema;
    this.stable = true;
    return dema;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.first.reset();
    this.second.reset();
    this.value = Number.NaN;
    this.stable = false;
  }
}

/** DEMA over a whole series: same length, NaN for the first `2 * (period - 1)` values. */
export function dema(values: Float64Array, period: number): Float64Array {
  requirePeriod('DEMA', 'period', period, 2);
  const n = values.length;
  const lookback = 2 * (period - 1);
  const out = warmupArray(n, lookback);
  if (n <= lookback) return out;
  const k = 2 / (period + 1);
  let e1 = 0;
  for (let i = 0; i < period; i++) e1 += values[i];
  e1 /= period;
  let e2 = e1;
  for (let i = period; i <= lookback; i++) {
    e1 = (values[i] - e1) * k + e1;
    e2 += e1;
  }
  e2 /= period;
  out[lookback] = 2.0 * e1 - e2;
  for (let i = lookback + 1; i < n; i++) {
    e1 = (values[i] - e1) * k + e1;
    e2 = (e1 - e2) * k + e2;
    out[i] = 2.0 * e1 - e2;
  }
  return out;
}
