import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

export interface MacdResult {
  readonly macd: number;
  readonly signal: number;
  readonly histogram: number;
}

/**
 * The streaming result, a class of its own: an object literal with these property names
 * would share V8's hidden class with the batch result (`{ macd, signal, histogram }` of
 * Float64Arrays), whose fields then stop holding raw doubles, and every update would box
 * three numbers on the heap.
 */
class MacdOutput implements MacdResult {
  macd = Number.NaN;
  signal = Number.NaN;
  histogram = Number.NaN;
}

/**
 * MACD, as TA-Lib's MACD: both EMAs produce their first value at the same input (the slow
 * one's lookback), so the fast EMA is seeded with the SMA of the `fast` inputs ending there
 * rather than from the start of the series. The signal is an EMA of the MACD line seeded with
 * the SMA of its first `signal` values; all three outputs start at lookback
 * `(slow - 1) + (signal - 1)`. As TA-Lib, a fast period above the slow one is swapped.
 * TA-Lib declares a signal period of 1 valid but then mis-aligns its output and reads before
 * its buffer (its EMA rejects period 1), so periods below 2 are refused here.
 */
export class Macd implements ValueIndicator<MacdResult> {
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  readonly signalPeriod: number;
  readonly lookback: number;
  private readonly kFast: number;
  private readonly kSlow: number;
  private readonly kSignal: number;
  private seen = 0;
  /** Each holds its sum while seeding, then the average itself. */
  private fast = 0;
  private slow = 0;
  private signal = 0;
  private readonly out = new MacdOutput();
  private stable = false;

  constructor(fastPeriod = 12, slowPeriod = 26, signalPeriod = 9) {
    requirePeriod('MACD', 'fastPeriod', fastPeriod, 2);
    requirePeriod('MACD', 'slowPeriod', slowPeriod, 2);
    this.signalPeriod = requirePeriod('MACD', 'signalPeriod', signalPeriod, 2);
    this.fastPeriod = Math.min(fastPeriod, slowPeriod);
    this.slowPeriod = Math.max(fastPeriod, slowPeriod);
    this.lookback = this.slowPeriod - 1 + (signalPeriod - 1);
    this.kFast = 2 / (this.fastPeriod + 1);
    this.kSlow = 2 / (this.slowPeriod + 1);
    this.kSignal = 2 / (signalPeriod + 1);
  }

  update(value: number): MacdResult | null {
    if (!this.stable) return this.seed(value) ? this.out : null;
    const slow = (value - this.slow) * this.kSlow + this.slow;
    const fast = (value - this.fast) * this.kFast + this.fast;
    const line = fast - slow;
    const signal = (line - this.signal) * this.kSignal + this.signal;
    this.slow = slow;
    this.fast = fast;
    this.signal = signal;
    const out = this.out;
    out.macd = line;
    out.signal = signal;
    out.histogram = line - signal;
    return out;
  }

  /** Inputs up to the lookback: the SMA seeds, then the first EMAs; true at the first result. */
  private seed(value: number): boolean {
    const t = this.seen++;
    const slowStart = this.slowPeriod - 1;
    if (t < slowStart) {
      this.slow += value;
      if (t >= this.slowPeriod - this.fastPeriod) this.fast += value;
      return false;
    }
    if (t === slowStart) {
      this.slow = (this.slow + value) / this.slowPeriod;
      this.fast = (this.fast + value) / this.fastPeriod;
    } else {
      this.slow = (value - this.slow) * this.kSlow + this.slow;
      this.fast = (value - this.fast) * this.kFast + this.fast;
    }
    const line = this.fast - this.slow;
    if (t < this.lookback) {
      this.signal += line;
      return false;
    }
    this.signal = (this.signal + line) / this.signalPeriod;
    this.out.macd = line;
    this.out.signal = this.signal;
    this.out.histogram = line - this.signal;
    this.stable = true;
    return true;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): MacdResult | null {
    return this.stable ? this.out : null;
  }

  reset(): void {
    this.seen = 0;
    this.fast = 0;
    this.slow = 0;
    this.signal = 0;
    this.stable = false;
  }
}

export interface MacdSeries {
  readonly macd: Float64Array;
  readonly signal: Float64Array;
  readonly histogram: Float64Array;
}

/** MACD over a whole series: three series of the input's length, NaN before the lookback. */
export function macd(values: Float64Array, fastPeriod = 12, slowPeriod = 26, signalPeriod = 9): MacdSeries {
  requirePeriod('MACD', 'fastPeriod', fastPeriod, 2);
  requirePeriod('MACD', 'slowPeriod', slowPeriod, 2);
  requirePeriod('MACD', 'signalPeriod', signalPeriod, 2);
  const fastP = Math.min(fastPeriod, slowPeriod);
  const slowP = Math.max(fastPeriod, slowPeriod);
  const n = values.length;
  const slowStart = slowP - 1;
  const lookback = slowStart + signalPeriod - 1;
  const line = warmupArray(n, lookback);
  const signal = warmupArray(n, lookback);
  const histogram = warmupArray(n, lookback);
  if (n <= lookback) return { macd: line, signal, histogram };
  const kFast = 2 / (fastP + 1);
  const kSlow = 2 / (slowP + 1);
  const kSignal = 2 / (signalPeriod + 1);
  let slow = 0;
  for (let i = 0; i <= slowStart; i++) slow += values[i];
  slow /= slowP;
  let fast = 0;
  for (let i = slowP - fastP; i <= slowStart; i++) fast += values[i];
  fast /= fastP;
  let m = fast - slow;
  let sig = m;
  for (let i = slowStart + 1; i <= lookback; i++) {
    const x = values[i];
    slow = (x - slow) * kSlow + slow;
    fast = (x - fast) * kFast + fast;
    m = fast - slow;
    sig += m;
  }
  sig /= signalPeriod;
  line[lookback] = m;
  signal[lookback] = sig;
  histogram[lookback] = m - sig;
  for (let i = lookback + 1; i < n; i++) {
    const x = values[i];
    slow = (x - slow) * kSlow + slow;
    fast = (x - fast) * kFast + fast;
    m = fast - slow;
    sig = (m - sig) * kSignal + sig;
    line[i] = m;
    signal[i] = sig;
    histogram[i] = m - sig;
  }
  return { macd: line, signal, histogram };
}
