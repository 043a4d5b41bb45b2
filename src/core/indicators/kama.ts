import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { Float64Ring } from './ring.js';

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
 */
export class Kama implements ValueIndicator {
  readonly period: number;
  readonly lookback: number;
  /** The latest `period + 1` inputs. */
  private readonly window: Float64Ring;
  private path = 0;
  private kama = 0;
  private result: number | null = null;

  constructor(period: number) {
    this.period = requirePeriod('KAMA', 'period', period, 2);
    this.lookback = period;
    this.window = new Float64Ring(period + 1);
  }

  update(value: number): number | null {
    const w = this.window;
    const p = this.period;
    if (w.length === 0) {
      w.push(value);
      return null;
    }
    const previous = w.ago(0);
    if (!w.isFull()) {
      this.path += Math.abs(previous - value);
      w.push(value);
      if (!w.isFull()) return null;
      // First value: seeded from the input just before it.
      this.kama = (value - previous) * smoothing(value - w.oldest(), this.path) + previous;
      this.result = this.kama;
      return this.result;
    }
    // Before the push the ring holds x[t-p-1..t-1]: drop the change x[t-p-1] -> x[t-p].
    const leaving = w.ago(p);
    const base = w.ago(p - 1);
    this.path -= Math.abs(leaving - base);
    this.path += Math.abs(value - previous);
    w.push(value);
    this.kama = (value - this.kama) * smoothing(value - base, this.path) + this.kama;
    this.result = this.kama;
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
    this.path = 0;
    this.kama = 0;
    this.result = null;
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
