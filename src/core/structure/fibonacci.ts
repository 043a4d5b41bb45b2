import type { Swing } from './swings.js';

/** How far back into the leg a pullback reaches, as a fraction of the leg. */
export const RETRACEMENT_RATIOS: readonly number[] = Object.freeze([0.236, 0.382, 0.5, 0.618, 0.786]);
/** How far the leg's move is projected, as a multiple of the leg, measured from its start. */
export const EXTENSION_RATIOS: readonly number[] = Object.freeze([1.272, 1.618, 2.0, 2.618]);

export interface FibonacciLevel {
  readonly ratio: number;
  readonly price: number;
}

export interface FibonacciLevels {
  /** 'up' when the leg ends higher than it starts (swing low → swing high). */
  readonly direction: 'up' | 'down';
  readonly startPrice: number;
  readonly endPrice: number;
  /** In the order of the ratios given; for the defaults, from the end back toward the start. */
  readonly retracements: readonly FibonacciLevel[];
  /** In the order of the ratios given; for the defaults, ever further beyond the end. */
  readonly extensions: readonly FibonacciLevel[];
}

export interface FibonacciOptions {
  readonly retracementRatios?: readonly number[];
  readonly extensionRatios?: readonly number[];
}

/** The last confirmed swing leg: from the older of the two latest swings to the newer. */
export interface SwingLeg {
  readonly direction: 'up' | 'down';
  readonly start: Swing;
  readonly end: Swing;
}

/** What the leg helper reads; `SwingDetector` provides it. */
export interface LatestSwings {
  readonly lastSwingHigh: Swing | null;
  readonly lastSwingLow: Swing | null;
}

/**
 * Price of a retracement: the point `ratio` of the way back from the leg's end toward its
 * start (0 = end, 1 = start). Up-leg 100 → 200: 0.618 gives 138.2.
 */
export function retracementPrice(start: number, end: number, ratio: number): number {
  return end - ratio * (end - start);
}

/**
 * Price of an extension: the leg's move scaled by `ratio`, measured from the leg's start, so
 * the standard ratios (> 1) lie beyond the end in the leg's direction (profit targets for a
 * continuation). Up-leg 100 → 200: 1.618 gives 261.8; down-leg 200 → 100: 1.618 gives 38.2.
 */
export function extensionPrice(start: number, end: number, ratio: number): number {
  return start + ratio * (end - start);
}

function checkRatios(name: string, ratios: readonly number[]): void {
  for (let k = 0; k < ratios.length; k++) {
    const r = ratios[k];
    if (!(Number.isFinite(r) && r >= 0)) {
      throw new RangeError(`${name}[${k}] must be a finite number >= 0, got ${r}`);
    }
  }
}

/** Retracement and extension levels of the leg from `start` to `end` (two different finite prices). */
export function fibonacciLevels(start: number, end: number, options: FibonacciOptions = {}): FibonacciLevels {
  if (!Number.isFinite(start)) throw new RangeError(`start must be a finite price, got ${start}`);
  if (!Number.isFinite(end)) throw new RangeError(`end must be a finite price, got ${end}`);
  if (start === end) throw new RangeError(`start and end must differ (a leg with no range), got ${start}`);
  const retracementRatios = options.retracementRatios ?? RETRACEMENT_RATIOS;
  const extensionRatios = options.extensionRatios ?? EXTENSION_RATIOS;
  checkRatios('retracementRatios', retracementRatios);
  checkRatios('extensionRatios', extensionRatios);
  return {
    direction: end > start ? 'up' : 'down',
    startPrice: start,
    endPrice: end,
    retracements: retracementRatios.map((ratio) => ({ ratio, price: retracementPrice(start, end, ratio) })),
    extensions: extensionRatios.map((ratio) => ({ ratio, price: extensionPrice(start, end, ratio) })),
  };
}

/**
 * The last confirmed leg from a detector's latest swing high and low: the newer of the two is
 * the leg's end, so a later swing high makes an up-leg (low → high) and a later swing low a
 * down-leg (high → low). Null when either swing is missing, when both sit on the same bar (an
 * outside bar gives no order), or when the prices contradict the direction (an "up-leg" whose
 * high is not above its low, possible when the two swings are far apart).
 */
export function lastSwingLeg(swings: LatestSwings): SwingLeg | null {
  const high = swings.lastSwingHigh;
  const low = swings.lastSwingLow;
  if (!high || !low || high.index === low.index) return null;
  if (!(high.price > low.price)) return null;
  return high.index > low.index
    ? { direction: 'up', start: low, end: high }
    : { direction: 'down', start: high, end: low };
}

/** Fibonacci levels of the last confirmed leg, or null when there is no usable leg. */
export function fibonacciFromSwings(
  swings: LatestSwings,
  options: FibonacciOptions = {},
): (FibonacciLevels & { readonly leg: SwingLeg }) | null {
  // Checked before the leg, so a bad configuration fails at once rather than at the first leg.
  if (options.retracementRatios) checkRatios('retracementRatios', options.retracementRatios);
  if (options.extensionRatios) checkRatios('extensionRatios', options.extensionRatios);
  const leg = lastSwingLeg(swings);
  if (!leg) return null;
  return { ...fibonacciLevels(leg.start.price, leg.end.price, options), leg };
}
