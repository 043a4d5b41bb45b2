import { Ema } from './ema.js';
import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

/**
 * Triple EMA, as TA-Lib's TEMA: `ema3 + (3 * ema1 - 3 * ema2)`, each EMA stage seeded with the
 * SMA of the first `period` values of the stage before. Lookback `3 * (period - 1)`.
 */
export class Tema implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly first: Ema;
  private readonly second: Ema;
  private readonly third: Ema;
  private result: number | null = null;

  constructor(period: number) {
    this.period = requirePeriod('TEMA', 'period', period, 2);
    this.lookback = 3 * (period - 1);
    this.first = new Ema(period);
    this.second = new Ema(period);
    this.third = new Ema(period);
  }

  update(value: number): number | null {
    const e1 = this.first.update(value);
    if (e1 === null) return null;
    const e2 = this.second.update(e1);
    if (e2 === null) return null;
    const e3 = this.third.update(e2);
    if (e3 === null) return null;
    this.result = e3 + (3.0 * e1 - 3.0 * e2);
    return this.result;
  }

  isStable(): boolean {
    return this.result !== null;
  }

  getResult(): number | null {
    return this.result;
  }

  reset(): void {
    this.first.reset();
    this.second.reset();
    this.third.reset();
    this.result = null;
  }
}

/** TEMA over a whole series: same length, NaN for the first `3 * (period - 1)` values. */
export function tema(values: Float64Array, period: number): Float64Array {
  requirePeriod('TEMA', 'period', period, 2);
  const n = values.length;
  const lb = period - 1;
  const lookback = 3 * lb;
  const out = warmupArray(n, lookback);
  if (n <= lookback) return out;
  const k = 2 / (period + 1);
  let e1 = 0;
  for (let i = 0; i < period; i++) e1 += values[i];
  e1 /= period;
  let e2 = e1;
  for (let i = period; i <= 2 * lb; i++) {
    e1 = (values[i] - e1) * k + e1;
    e2 += e1;
  }
  e2 /= period;
  let e3 = e2;
  for (let i = 2 * lb + 1; i <= lookback; i++) {
    e1 = (values[i] - e1) * k + e1;
    e2 = (e1 - e2) * k + e2;
    e3 += e2;
  }
  e3 /= period;
  out[lookback] = e3 + (3.0 * e1 - 3.0 * e2);
  for (let i = lookback + 1; i < n; i++) {
    e1 = (values[i] - e1) * k + e1;
    e2 = (e1 - e2) * k + e2;
    e3 = (e2 - e3) * k + e3;
    out[i] = e3 + (3.0 * e1 - 3.0 * e2);
  }
  return out;
}
