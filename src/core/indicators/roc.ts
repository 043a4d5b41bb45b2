import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

/**
 * Rate of change in percent, as TA-Lib's ROC: `(x / x[period ago] - 1) * 100`, 0 when the old
 * value is 0. Lookback `period`. The window is a ring kept here: the value `period` steps
 * back is in the slot the new value overwrites.
 */
export class Roc implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly window: Float64Array;
  /** Slot the next value goes to; once the window is full, the slot of the oldest value. */
  private slot = 0;
  private seen = 0;
  /** The latest value, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(period = 10) {
    this.period = requirePeriod('ROC', 'period', period, 1);
    this.lookback = period;
    this.window = new Float64Array(period);
  }

  update(value: number): number | null {
    const window = this.window;
    const slot = this.slot;
    const old = window[slot];
    window[slot] = value;
    this.slot = slot + 1 === this.period ? 0 : slot + 1;
    if (!this.stable && this.seen++ < this.period) return null;
    const roc = old !== 0.0 ? (value / old - 1.0) * 100.0 : 0.0;
    this.value = roc;
    this.stable = true;
    return roc;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.slot = 0;
    this.seen = 0;
    this.value = Number.NaN;
    this.stable = false;
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
