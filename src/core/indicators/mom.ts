import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { Float64Ring } from './ring.js';

/** Momentum, as TA-Lib's MOM: `x - x[period ago]`. Lookback `period`. */
export class Mom implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly window: Float64Ring;
  private result: number | null = null;

  constructor(period = 10) {
    this.period = requirePeriod('MOM', 'period', period, 1);
    this.lookback = period;
    this.window = new Float64Ring(period);
  }

  update(value: number): number | null {
    const w = this.window;
    if (w.isFull()) this.result = value - w.oldest();
    w.push(value);
    return this.result;
  }

  isStable(): boolean {
    return this.result !== null;
  }

  getResult(): number | null {
    return this.result;
  }

  reset(): void {
    this.window.reset();
    this.result = null;
  }
}

/** MOM over a whole series: same length, NaN for the first `period` values. */
export function mom(values: Float64Array, period = 10): Float64Array {
  requirePeriod('MOM', 'period', period, 1);
  const n = values.length;
  const out = warmupArray(n, period);
  for (let i = period; i < n; i++) out[i] = values[i] - values[i - period];
  return out;
}
