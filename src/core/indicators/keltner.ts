import type { Bar } from '../candles/candle.js';
import { Atr, atr } from './atr.js';
import { Ema, ema } from './ema.js';
import type { BarIndicator } from './indicator.js';
import { requireFinite, requirePeriod } from './params.js';

export interface KeltnerResult {
  upper: number;
  middle: number;
  lower: number;
}

function checkParams(emaPeriod: number, atrPeriod: number, multiplier: number): void {
  requirePeriod('Keltner', 'emaPeriod', emaPeriod, 2);
  requirePeriod('Keltner', 'atrPeriod', atrPeriod, 1);
  requireFinite('Keltner', 'multiplier', multiplier);
  if (multiplier <= 0) throw new RangeError(`Keltner: multiplier must be > 0, got ${multiplier}`);
}

/**
 * The streaming result, a class of its own: an object literal with these property names
 * would share V8's hidden class with the batch result (`{ upper, middle, lower }` of
 * Float64Arrays), whose fields then stop holding raw doubles, and every update would box.
 */
class KeltnerOutput implements KeltnerResult {
  upper = Number.NaN;
  middle = Number.NaN;
  lower = Number.NaN;
}

/**
 * Keltner Channels (not a TA-Lib function), the modern (Raschke) form: middle = EMA of the
 * close (TA-Lib-seeded `Ema`, default 20), upper / lower = middle ± multiplier (default 2) *
 * ATR (TA-Lib Wilder `Atr`, default 10). The lookback is the later of the two warm-ups,
 * max(emaPeriod - 1, atrPeriod); all three lines appear together. The result object is reused.
 */
export class Keltner implements BarIndicator<KeltnerResult> {
  readonly lookback: number;
  readonly emaPeriod: number;
  readonly atrPeriod: number;
  readonly multiplier: number;
  private readonly ema: Ema;
  private readonly atr: Atr;
  private readonly out = new KeltnerOutput();
  private stable = false;

  constructor(emaPeriod = 20, atrPeriod = 10, multiplier = 2) {
    checkParams(emaPeriod, atrPeriod, multiplier);
    this.emaPeriod = emaPeriod;
    this.atrPeriod = atrPeriod;
    this.multiplier = multiplier;
    this.ema = new Ema(emaPeriod);
    this.atr = new Atr(atrPeriod);
    this.lookback = Math.max(this.ema.lookback, this.atr.lookback);
  }

  update(bar: Bar): KeltnerResult | null {
    // `updateOrNaN`, not `update`: a `number | null` return would box both on every bar.
    const ema = this.ema;
    const atr = this.atr;
    const middle = ema.updateOrNaN(bar.close);
    const range = atr.updateOrNaN(bar);
    if (!ema.isStable() || !atr.isStable()) return null;
    const width = this.multiplier * range;
    const out = this.out;
    out.middle = middle;
    out.upper = middle + width;
    out.lower = middle - width;
    this.stable = true;
    return out;
  }

  isStable(): boolean {
    return this.stable;
  }

  getResult(): KeltnerResult | null {
    return this.stable ? this.out : null;
  }

  reset(): void {
    this.ema.reset();
    this.atr.reset();
    this.stable = false;
    this.out.upper = Number.NaN;
    this.out.middle = Number.NaN;
    this.out.lower = Number.NaN;
  }
}

export interface KeltnerSeries {
  readonly upper: Float64Array;
  readonly middle: Float64Array;
  readonly lower: Float64Array;
}

/** Keltner Channels over whole columns: NaN for the first max(emaPeriod - 1, atrPeriod) bars. */
export function keltner(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  emaPeriod = 20,
  atrPeriod = 10,
  multiplier = 2,
): KeltnerSeries {
  checkParams(emaPeriod, atrPeriod, multiplier);
  const n = high.length;
  const middle = ema(close, emaPeriod);
  // The ATR column becomes the upper band in place.
  const upper = atr(high, low, close, atrPeriod);
  const lower = new Float64Array(n);
  const lookback = Math.max(emaPeriod - 1, atrPeriod);
  const warm = Math.min(lookback, n);
  for (let i = 0; i < warm; i++) {
    middle[i] = Number.NaN;
    upper[i] = Number.NaN;
    lower[i] = Number.NaN;
  }
  for (let i = lookback; i < n; i++) {
    const m = middle[i];
    const width = multiplier * upper[i];
    upper[i] = m + width;
    lower[i] = m - width;
  }
  return { upper, middle, lower };
}
