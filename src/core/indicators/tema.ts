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
  /** The latest TEMA, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(period: number) {
    this.period = requirePeriod('TEMA', 'period', period, 2);
    this.lookback = 3 * (period - 1);
    this.first = new Ema(period);
    this.second = new Ema(period);
    this.third = new Ema(period);
  }

  update(value: number): number | null {
    // `updateOrNaN`, not `update`: a `number | null` return would box the EMAs on every step.
    const first = this.first;
    const e1 = first.updateOrNaN(value);
    if (!first.isStable()) return null;
    const second = this.second;
    const e2 = second.updateOrNaN(e1);
    if (!second.isStable()) return null;
    const third = this.third;
    const e3 = third.updateOrNaN(e2);
    if (!third.isStable()) return null;
    const tema = e3 + (3.0 * e1 - 3.0 * e2);
    this.value = tema;
    this.stable = true;
    return tema;
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
    this.third.reset();
    this.value = Number.NaN;
    this.stable = false;
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
