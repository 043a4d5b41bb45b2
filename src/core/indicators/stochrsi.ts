import type { ValueIndicator } from './indicator.js';
import { requirePeriod, warmupArray } from './params.js';
import { RunningMean, WindowMax, WindowMin } from './ring.js';
import { Rsi, rsiInto } from './rsi.js';
import { smaInto } from './sma.js';
import { fastStochInto } from './stoch.js';

export interface StochRsiResult {
  readonly fastK: number;
  readonly fastD: number;
}

/**
 * The streaming result, a class of its own: an object literal with these property names
 * would share V8's hidden class with the batch result (`{ fastK, fastD }` of Float64Arrays),
 * whose fields then stop holding raw doubles, and every update would box two numbers.
 */
class StochRsiOutput implements StochRsiResult {
  fastK = Number.NaN;
  fastD = Number.NaN;
}

/**
 * Stochastic RSI, as TA-Lib's STOCHRSI: TA-Lib's fast stochastic (STOCHF, SMA %D) run over the
 * RSI series, the RSI being high, low and close at once. Outputs fast %K and fast %D, starting
 * together at lookback `period + (fastKPeriod - 1) + (fastDPeriod - 1)`.
 */
export class StochRsi implements ValueIndicator<StochRsiResult> {
  readonly period: number;
  readonly fastKPeriod: number;
  readonly fastDPeriod: number;
  readonly lookback: number;
  private readonly rsi: Rsi;
  private readonly highest: WindowMax;
  private readonly lowest: WindowMin;
  private readonly fastDMean: RunningMean;
  private rsiSeen = 0;
  private readonly out = new StochRsiOutput();
  private stable = false;

  constructor(period = 14, fastKPeriod = 5, fastDPeriod = 3) {
    this.period = requirePeriod('STOCHRSI', 'period', period, 2);
    this.fastKPeriod = requirePeriod('STOCHRSI', 'fastKPeriod', fastKPeriod, 1);
    this.fastDPeriod = requirePeriod('STOCHRSI', 'fastDPeriod', fastDPeriod, 1);
    this.lookback = period + (fastKPeriod - 1) + (fastDPeriod - 1);
    this.rsi = new Rsi(period);
    this.highest = new WindowMax(fastKPeriod);
    this.lowest = new WindowMin(fastKPeriod);
    this.fastDMean = new RunningMean(fastDPeriod);
  }

  update(value: number): StochRsiResult | null {
    // `updateOrNaN`, `add` and fields rather than calls returning numbers, which box them.
    const rsi = this.rsi;
    const r = rsi.updateOrNaN(value);
    if (!rsi.isStable()) return null;
    const highest = this.highest;
    const lowest = this.lowest;
    highest.add(r);
    lowest.add(r);
    if (this.rsiSeen < this.fastKPeriod - 1) {
      this.rsiSeen++;
      return null;
    }
    const low = lowest.extreme;
    const diff = (highest.extreme - low) / 100.0;
    const fastK = diff !== 0.0 ? (r - low) / diff : 0.0;
    const fastD = this.fastDMean;
    if (!fastD.push(fastK)) return null;
    const out = this.out;
    out.fastK = fastK;
    out.fastD = fastD.value;
    this.stable = true;
    return out;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): StochRsiResult | null {
    return this.stable ? this.out : null;
  }

  reset(): void {
    this.rsi.reset();
    this.highest.reset();
    this.lowest.reset();
    this.fastDMean.reset();
    this.rsiSeen = 0;
    this.stable = false;
  }
}

export interface StochRsiSeries {
  readonly fastK: Float64Array;
  readonly fastD: Float64Array;
}

/** STOCHRSI over a whole series: two series of the input's length, NaN before the lookback. */
export function stochrsi(
  values: Float64Array,
  period = 14,
  fastKPeriod = 5,
  fastDPeriod = 3,
): StochRsiSeries {
  requirePeriod('STOCHRSI', 'period', period, 2);
  requirePeriod('STOCHRSI', 'fastKPeriod', fastKPeriod, 1);
  requirePeriod('STOCHRSI', 'fastDPeriod', fastDPeriod, 1);
  const n = values.length;
  const lookback = period + (fastKPeriod - 1) + (fastDPeriod - 1);
  const fastK = warmupArray(n, lookback);
  const fastD = warmupArray(n, lookback);
  if (n <= lookback) return { fastK, fastD };
  const r = new Float64Array(n);
  rsiInto(values, period, r);
  fastStochInto(r, r, r, period, fastKPeriod, fastK);
  smaInto(fastK, period + fastKPeriod - 1, n, fastDPeriod, fastD);
  // TA-Lib reports fast %K only where fast %D exists.
  fastK.fill(Number.NaN, 0, lookback);
  return { fastK, fastD };
}
