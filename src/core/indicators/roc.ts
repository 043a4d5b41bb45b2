import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { Float64Ring } from './ring.js';

/**
 * Rate of change in percent, as TA-Lib's ROC: `(x / x[period ago] - 1) * 100`, 0 when the old
 * value is 0. Lookback `period`.
 */
export class Roc implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly window: Float64Ring;
  private result: number | null = null;

  constructor(period = 10) {
    this.period = requirePeriod('ROC', 'period', period, 1);
    this.lookback = period;
    this.window = new Float64Ring(period);
  }

  update(value: number): number | null {
    const w = this.window;
    if (w.isFull()) {
      const old = w.oldest();
      this.result = old !== 0.0 ? (value / old - 1.0) * 100.0 : 0.0;
    }
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

/** ROC over a whole series: same length, NaN for the first `period` values. */
export function roc(values: Float64Array, period = 10): Float64Array {
  requirePeriod('ROC', 'period', period, 1);
  const n = values.length;
  const out = warmupArray(n, period);
  for (let i = period; i < n; i++) {
    const old = values[i - period];
    out[i] = old !== 0.0 ? (values[i] / old - 1.0) * 100.0 : 0.0;
  }
  return out;
}
