import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

/**
 * Momentum, as TA-Lib's MOM: `x - x[period ago]`. Lookback `period`. The window is a ring
 * kept here: the value `period` steps back is in the slot the new value overwrites.
 */
export class Mom implements ValueIndicator {
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
    this.period = requirePeriod('MOM', 'period', period, 1);
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
    const mom = value - old;
    this.value = mom;
    this.stable = true;
    return mom;
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

/** MOM over a whole series: same length, NaN for the first `period` values. */
export function mom(values: Float64Array, period = 10): Float64Array {
  requirePeriod('MOM', 'period', period, 1);
  const n = values.length;
  const out = warmupArray(n, period);
  for (let i = period; i < n; i++) out[i] = values[i] - values[i - period];
  return out;
}
