import type { Level } from '../patterns/levels.js';
import type { Direction } from '../signals/types.js';
import { formatPrice, formatSigned } from './format.js';
import type { TfSnapshot } from './snapshot.js';

/** The building blocks the four strategy families share: readiness, scoring, confirmations. */

export type NumericField = {
  [K in keyof TfSnapshot]-?: TfSnapshot[K] extends number ? K : never;
}[keyof TfSnapshot];

/**
 * Whether the rule cannot be judged on this candle: the candle is incomplete (built from
 * missing constituents, so its OHLC may lie) or one of the fields the rule needs is NaN
 * (an indicator still warming up).
 */
export function notReady(s: TfSnapshot, fields: readonly NumericField[]): boolean {
  if (s.complete === false) return true;
  for (let i = 0; i < fields.length; i++) if (Number.isNaN(s[fields[i]])) return true;
  return false;
}

/** x clamped to [0, 1]; NaN counts as 0 (a strength term that cannot be measured adds nothing). */
export function clamp01(x: number): number {
  return x > 0 ? (x < 1 ? x : 1) : 0;
}

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

/**
 * TA-Lib signs every pattern, but a few signs carry no direction: doji is always +100 and a
 * spinning top takes its candle's colour, yet both are indecision candles. A gravestone doji is
 * +100 in TA-Lib although it reads bearish where it counts (at resistance).
 */
const INDECISION_PATTERNS: ReadonlySet<string> = new Set(['doji', 'spinningtop']);
const BEARISH_PATTERNS: ReadonlySet<string> = new Set(['gravestonedoji']);

/** The direction a pattern output points to: 1 bullish, -1 bearish, 0 none. */
export function patternSign(name: string, value: number): number {
  if (value === 0 || INDECISION_PATTERNS.has(name)) return 0;
  if (BEARISH_PATTERNS.has(name)) return -1;
  return value > 0 ? 1 : -1;
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
      out.push(`${name} ${formatSigned(value)} at ${where} ${formatPrice(price)}`);
  }
  return out;
}
