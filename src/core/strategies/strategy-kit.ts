import type { TfSnapshot } from '../features/snapshot.js';
import { formatPrice, formatSigned } from '../format.js';
import { clamp01 } from '../math.js';
import { patternSign } from '../patterns/pattern-sign.js';
import type { Direction } from '../signals/types.js';
import type { Level } from '../structure/levels.js';

/** The building blocks the strategy families share: scoring, levels, confirmations. */

export { clamp01 };

/** Every candidate starts here: the rule fired, which alone is a middling setup. */
export const CONFIDENCE_FLOOR = 0.4;
/** What the strength of the setup adds at most. */
export const CONFIDENCE_STRENGTH_SPAN = 0.4;
/** What each confirming candlestick pattern adds, and all of them together at most. */
export const CONFIRMATION_STEP = 0.05;
export const CONFIRMATION_MAX = 0.1;

/**
 * The shared base-confidence formula:
 *
 *   baseConfidence = 0.4 + 0.4 × strength + min(0.1, 0.05 × confirmations)
 *
 * where `strength` in [0, 1] is the strategy's weighted mean of its clamped strength terms
 * (the weights add up to 1). So a bare setup scores 0.4, a textbook one 0.8, and patterns at
 * the level lift it to 0.9 at most: it never saturates at 1, leaving room for the ensemble.
 */
export function baseConfidence(strength: number, confirmations: number): number {
  const c = CONFIDENCE_FLOOR + CONFIDENCE_STRENGTH_SPAN * clamp01(strength);
  return c + Math.min(CONFIRMATION_MAX, CONFIRMATION_STEP * confirmations);
}

export const directionSign = (d: Direction): number => (d === 'BUY' ? 1 : -1);

/** How near (in ATRs) the candle must come to a level for a pattern there to confirm. */
export const NEAR_LEVEL_ATR = 0.5;

/**
 * The level the latest candle tested for this direction, if any: for BUY the nearest support
 * below the close, when the candle's low came within 0.5 ATR of it (or went through it and
 * closed back above); for SELL the nearest resistance above the close, reached by the high.
 */
export function testedLevel(s: TfSnapshot, direction: Direction): Level | null {
  const reach = NEAR_LEVEL_ATR * s.atr;
  if (direction === 'BUY') {
    const l = s.levels.nearestSupport(s.close);
    return l && s.low <= l.price + reach ? l : null;
  }
  const l = s.levels.nearestResistance(s.close);
  return l && s.high >= l.price - reach ? l : null;
}

/**
 * The candlestick patterns of the latest candle that agree with `direction`, as text for a
 * person: "engulfing +100 at support 3,180.00". `where` names the place ("support",
 * "broken resistance"); patterns away from any level are not confirmations, so the caller
 * passes a place only when the candle is at one.
 */
export function patternConfirmations(
  s: TfSnapshot,
  direction: Direction,
  where: string,
  price: number,
): string[] {
  const out: string[] = [];
  const want = directionSign(direction);
  for (const [name, value] of s.patterns) {
    if (patternSign(name, value) === want)
      out.push(`${name} ${formatSigned(value)} at ${where} ${formatPrice(price, s.tickSize)}`);
  }
  return out;
}
