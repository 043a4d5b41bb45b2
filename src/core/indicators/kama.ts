import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

/** TA-Lib's fixed KAMA smoothing bounds: the EMA constants of periods 30 (slow) and 2 (fast). */
const SLOWEST = 2.0 / (30.0 + 1.0);
const SPAN = 2.0 / (2.0 + 1.0) - SLOWEST;
/** TA-Lib's TA_IS_ZERO threshold. */
const EPSILON = 1e-14;

/**
 * The smoothing constant from TA-Lib's efficiency ratio. TA-Lib compares the *signed* net
 * change with the path length (`path <= net` gives ratio 1), kept here for parity.
 */
function smoothing(netChange: number, path: number): number {
  let ratio: number;
  if (path <= netChange || (path > -EPSILON && path < EPSILON)) ratio = 1.0;
  else ratio = Math.abs(netChange / path);
  const sc = ratio * SPAN + SLOWEST;
  return sc * sc;
}

/**
 * Kaufman adaptive moving average, as TA-Lib's KAMA: the efficiency ratio over `period`
 * changes sets an EMA constant between those of periods 2 and 30. The first value seeds from
 * the input before it. The path length is a running sum (add newest change, drop oldest), as
 * in TA-Lib. Lookback `period`.
 *
 * The latest `period + 1` inputs sit in a ring kept here. Before an update the slot the new
 * input overwrites holds x[t - period - 1] and the slot after it x[t - period].
 */
export class Kama implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  private readonly window: Float64Array;
  /** Slot the next input goes to; once the ring is full, the slot of the oldest input. */
  private slot = 0;
  private seen = 0;
  private path = 0;
  /** The latest KAMA, in a number-only field: a `number | null` one would box every value. */
  private kama = Number.NaN;
  private stable = false;

  constructor(period: number) {
    this.period = requirePeriod('KAMA', 'period', period, 2);
    this.lookback = period;
    this.window = new Float64Array(period + 1);
  }

  update(value: number): number | null {
    const window = this.window;
    const cap = window.length;
    const slot = this.slot;
    const next = slot + 1 === cap ? 0 : slot + 1;
    const previous = window[slot === 0 ? cap - 1 : slot - 1];
    if (!this.stable) {
      window[slot] = value;
      this.slot = next;
      if (this.seen++ === 0) return null;
      this.path += Math.abs(previous - value);
      if (this.seen < cap) return null;
      // First value: seeded from the input just before it; window[next] is the oldest input.
      this.kama = (value - previous) * smoothing(value - window[next], this.path) + previous;
      this.stable = true;
      return this.kama;
    }
    // Drop the change x[t-p-1] -> x[t-p] from the path, add x[t-1] -> x[t].
    const leaving = window[slot];
    const base = window[next];
    this.path -= Math.abs(leaving - base);
    this.path += Math.abs(value - previous);
    window[slot] = value;
    this.slot = next;
    const kama = (value - this.kama) * smoothing(value - base, this.path) + this.kama;
    this.kama = kama;
    return kama;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.kama : null;
  }

  reset(): void {
    this.slot = 0;
    this.seen = 0;
    this.path = 0;
    this.kama = Number.NaN;
    this.stable = false;
  }
}

/** KAMA over a whole series: same length, NaN for the first `period` values. */
export function kama(values: Float64Array, period: number): Float64Array {
  requirePeriod('KAMA', 'period', period, 2);
  const n = values.length;
  const out = warmupArray(n, period);
  if (n <= period) return out;
  let path = 0;
  for (let i = 0; i < period; i++) path += Math.abs(values[i] - values[i + 1]);
  let prev = values[period - 1];
  let x = values[period];
  prev = (x - prev) * smoothing(x - values[0], path) + prev;
  out[period] = prev;
  for (let i = period + 1; i < n; i++) {
    x = values[i];
    const base = values[i - period];
    path -= Math.abs(values[i - period - 1] - base);
    path += Math.abs(x - values[i - 1]);
    prev = (x - prev) * smoothing(x - base, path) + prev;
    out[i] = prev;
  }
  return out;
}
