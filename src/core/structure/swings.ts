import type { Bar, CandleColumns } from '../candles/candle.js';
import { closeTime, isTimeframe, type Timeframe } from '../candles/timeframe.js';

/**
 * A confirmed swing point (fractal pivot).
 *
 * Indices count the bars fed to the detector since it was built or reset (0 = first bar); they
 * count bars, not time, so a gap in the candles is simply not there for the detector.
 */
export interface Swing {
  readonly kind: 'high' | 'low';
  /** Index of the swing bar. */
  readonly index: number;
  /** Open time of the swing bar. */
  readonly openTime: number;
  /** The swing bar's high (kind 'high') or low (kind 'low'). */
  readonly price: number;
  /** Index of the bar whose close confirmed the swing: always `index + right`. */
  readonly confirmedIndex: number;
  /** Close time of the confirming bar: the first instant the swing is knowable. */
  readonly confirmedAt: number;
}

export interface SwingOptions {
  /** Timeframe of the bars, needed to know when the confirming bar closes. */
  readonly timeframe: Timeframe;
  /** Bars before the swing bar that it must strictly exceed. Default 5. */
  readonly left?: number;
  /** Bars after the swing bar that it must equal or exceed; also the confirmation delay. Default 5. */
  readonly right?: number;
}

export const DEFAULT_SWING_LEFT = 5;
export const DEFAULT_SWING_RIGHT = 5;

const NO_SWINGS: readonly Swing[] = Object.freeze([]);

function requireWindow(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
  }
  return value;
}

/**
 * Streaming swing-high / swing-low detector.
 *
 * Swing high at bar i (tie rule): high[i] is STRICTLY greater than each of the `left` highs
 * before it and GREATER THAN OR EQUAL TO each of the `right` highs after it. Swing lows mirror
 * it (strictly below the left lows, at or below the right lows). Why this way round: on a flat
 * top of equal highs only the plateau's first bar qualifies (each later bar has an equal high
 * to its left), so a plateau gives exactly one swing, at the earliest bar and so with the
 * earliest possible confirmation.
 *
 * A bar with fewer than `left` bars before it (the first `left` bars fed) is never a swing.
 * One bar can be both a swing high and a swing low (an outside bar); both are then reported,
 * high first.
 *
 * No lookahead: the swing at bar i is reported by the `update` of bar i + right, once that
 * bar has closed, and never earlier. State is a ring of `left + right + 1` bars; confirmed
 * swings are the only allocation, and only when one is found.
 */
export class SwingDetector {
  readonly left: number;
  readonly right: number;
  readonly timeframe: Timeframe;
  /** Bars fed before the first bar that can confirm a swing. */
  readonly lookback: number;

  private readonly size: number;
  /**
   * Each bar is written at its slot and at slot + size, so the bars around a candidate are a
   * contiguous run of indices (no modulo per comparison).
   */
  private readonly highs: Float64Array;
  private readonly lows: Float64Array;
  private readonly openTimes: Float64Array;
  private count = 0;
  /** Slot of the next bar: count % size. */
  private slot = 0;
  private lastHigh: Swing | null = null;
  private lastLow: Swing | null = null;

  constructor(options: SwingOptions) {
    this.left = requireWindow('left', options.left ?? DEFAULT_SWING_LEFT);
    this.right = requireWindow('right', options.right ?? DEFAULT_SWING_RIGHT);
    this.timeframe = options.timeframe;
    // Fails loudly on a bad timeframe rather than producing NaN confirmation times later.
    if (!isTimeframe(this.timeframe)) {
      throw new RangeError(`timeframe must be a known timeframe, got ${String(options.timeframe)}`);
    }
    this.size = this.left + this.right + 1;
    this.lookback = this.left + this.right;
    this.highs = new Float64Array(2 * this.size);
    this.lows = new Float64Array(2 * this.size);
    this.openTimes = new Float64Array(this.size);
  }

  /** The most recently confirmed swing high, or null before the first one. */
  get lastSwingHigh(): Swing | null {
    return this.lastHigh;
  }

  /** The most recently confirmed swing low, or null before the first one. */
  get lastSwingLow(): Swing | null {
    return this.lastLow;
  }

  /** Bars fed so far; the next bar gets this index. */
  get barCount(): number {
    return this.count;
  }

  /**
   * Feeds one closed bar and returns the swings it confirms (those at bar `index - right`):
   * none, one, or a high and a low. The returned array is empty and shared when there is none.
   */
  update(bar: Bar & { readonly openTime: number }): readonly Swing[] {
    const size = this.size;
    const t = this.count;
    const slot = this.slot;
    this.highs[slot] = bar.high;
    this.highs[slot + size] = bar.high;
    this.lows[slot] = bar.low;
    this.lows[slot + size] = bar.low;
    this.openTimes[slot] = bar.openTime;
    this.count = t + 1;
    this.slot = slot + 1 === size ? 0 : slot + 1;
    if (t < this.lookback) return NO_SWINGS;

    const c = t - this.right;
    // the candidate's slot, c % size, from this bar's slot
    const cSlot = slot >= this.right ? slot - this.right : slot - this.right + size;
    const high = this.isSwingHigh(cSlot) ? this.makeSwing('high', c, cSlot, bar.openTime) : null;
    const low = this.isSwingLow(cSlot) ? this.makeSwing('low', c, cSlot, bar.openTime) : null;
    if (high) this.lastHigh = high;
    if (low) this.lastLow = low;
    if (high && low) return [high, low];
    if (high) return [high];
    if (low) return [low];
    return NO_SWINGS;
  }

  reset(): void {
    this.count = 0;
    this.slot = 0;
    this.lastHigh = null;
    this.lastLow = null;
  }

  /**
   * The candidate at `cSlot` against its neighbours, nearest first (a pure test: the order
   * only decides how soon a failing candidate is rejected). In the doubled ring the `left`
   * bars before it sit at [cSlot + size - left, cSlot + size) and the `right` bars after it at
   * (cSlot, cSlot + right].
   */
  private isSwingHigh(cSlot: number): boolean {
    const highs = this.highs;
    const h = highs[cSlot];
    const end = cSlot + this.right;
    for (let j = cSlot + 1; j <= end; j++) {
      if (!(h >= highs[j])) return false;
    }
    const before = cSlot + this.size;
    const start = before - this.left;
    for (let j = before - 1; j >= start; j--) {
      if (!(h > highs[j])) return false;
    }
    return true;
  }

  private isSwingLow(cSlot: number): boolean {
    const lows = this.lows;
    const l = lows[cSlot];
    const end = cSlot + this.right;
    for (let j = cSlot + 1; j <= end; j++) {
      if (!(l <= lows[j])) return false;
    }
    const before = cSlot + this.size;
    const start = before - this.left;
    for (let j = before - 1; j >= start; j--) {
      if (!(l < lows[j])) return false;
    }
    return true;
  }

  private makeSwing(kind: 'high' | 'low', index: number, slot: number, confirmingOpenTime: number): Swing {
    return {
      kind,
      index,
      openTime: this.openTimes[slot],
      price: kind === 'high' ? this.highs[slot] : this.lows[slot],
      confirmedIndex: index + this.right,
      confirmedAt: closeTime(this.timeframe, confirmingOpenTime),
    };
  }
}

/** Every swing of a whole series, in confirmation order (the streaming detector run to the end). */
export function findSwings(series: CandleColumns, options: SwingOptions): Swing[] {
  const detector = new SwingDetector(options);
  const out: Swing[] = [];
  const bar = { openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  for (let i = 0; i < series.length; i++) {
    bar.openTime = series.openTime[i];
    bar.open = series.open[i];
    bar.high = series.high[i];
    bar.low = series.low[i];
    bar.close = series.close[i];
    bar.volume = series.volume[i];
    for (const s of detector.update(bar)) out.push(s);
  }
  return out;
}
