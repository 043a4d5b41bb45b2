import type { Bar } from '../candles/candle.js';
import { moneyFlowVolume } from './ad.js';
import type { BarIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';

/**
 * TA-Lib ADOSC (Chaikin oscillator): EMA(fast) - EMA(slow) of the AD line. TA-Lib seeds both
 * EMAs with the first AD value itself (not with an SMA as its EMA function does) and runs
 * them from the first bar, so every output depends on the whole history; the lookback is
 * still the slower EMA's, max(fast, slow) - 1. k = 2 / (period + 1), applied as
 * k * ad + (1 - k) * ema, TA-Lib's operation order.
 */
export class Adosc implements BarIndicator {
  readonly lookback: number;
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  private readonly fastK: number;
  private readonly slowK: number;
  private ad = 0;
  private fastEma = 0;
  private slowEma = 0;
  private seen = 0;
  /** The latest value, in a number-only field: a `number | null` one would box every value. */
  private value = Number.NaN;
  private stable = false;

  constructor(fastPeriod = 3, slowPeriod = 10) {
    this.fastPeriod = requirePeriod('ADOSC', 'fastPeriod', fastPeriod, 2);
    this.slowPeriod = requirePeriod('ADOSC', 'slowPeriod', slowPeriod, 2);
    this.lookback = Math.max(fastPeriod, slowPeriod) - 1;
    this.fastK = 2 / (fastPeriod + 1);
    this.slowK = 2 / (slowPeriod + 1);
  }

  update(bar: Bar): number | null {
    const ad = this.ad + moneyFlowVolume(bar.high, bar.low, bar.close, bar.volume);
    this.ad = ad;
    if (this.seen === 0) {
      this.fastEma = ad;
      this.slowEma = ad;
    } else {
      this.fastEma = this.fastK * ad + (1 - this.fastK) * this.fastEma;
      this.slowEma = this.slowK * ad + (1 - this.slowK) * this.slowEma;
    }
    if (this.seen < this.lookback) {
      this.seen++;
      return null;
    }
    const oscillator = this.fastEma - this.slowEma;
    this.value = oscillator;
    this.stable = true;
    return oscillator;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): number | null {
    return this.stable ? this.value : null;
  }

  reset(): void {
    this.ad = 0;
    this.fastEma = 0;
    this.slowEma = 0;
    this.seen = 0;
    this.value = Number.NaN;
    this.stable = false;
  }
}

/** TA-Lib ADOSC over whole columns: NaN for the first max(fast, slow) - 1 bars. */
export function adosc(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  fastPeriod = 3,
  slowPeriod = 10,
): Float64Array {
  requirePeriod('ADOSC', 'fastPeriod', fastPeriod, 2);
  requirePeriod('ADOSC', 'slowPeriod', slowPeriod, 2);
  const n = high.length;
  const lookback = Math.max(fastPeriod, slowPeriod) - 1;
  const out = warmupArray(n, lookback);
  if (n === 0) return out;
  const fastK = 2 / (fastPeriod + 1);
  const slowK = 2 / (slowPeriod + 1);
  const fastKeep = 1 - fastK;
  const slowKeep = 1 - slowK;
  let ad = 0;
  ad += moneyFlowVolume(high[0], low[0], close[0], volume[0]);
  let fastEma = ad;
  let slowEma = ad;
  for (let i = 1; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const range = h - l;
    if (range > 0) {
      const c = close[i];
      ad += ((c - l - (h - c)) / range) * volume[i];
    }
    fastEma = fastK * ad + fastKeep * fastEma;
    slowEma = slowK * ad + slowKeep * slowEma;
    if (i >= lookback) out[i] = fastEma - slowEma;
  }
  return out;
}
