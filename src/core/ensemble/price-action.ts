import type { TfSnapshot } from '../features/snapshot.js';
import { formatFixed, formatPrice } from '../format.js';
import { INDECISION_PATTERNS } from '../patterns/pattern-sign.js';
import type { StrategyCandidate } from '../signals/types.js';
import { clamp01, finite, sideOf, type Voter } from './voter.js';

/** Distance in ATRs within which a level counts as near. */
const NEAR_ATR = 1;
/** How far a level ahead can pull the location score down, and one behind push it up. */
const CEILING_PENALTY = 0.4;
const FLOOR_BONUS = 0.5;

/** Which level behind gives the location floor (see `location`). */
const BEHIND_TRACKER = 0;
const BEHIND_CANDIDATE = 1;
const BEHIND_DONCHIAN = 2;

/** Whether the level at `levelPrice` was broken by this very candle (previous close beyond it). */
function freshBreak(s: TfSnapshot, d: number, levelPrice: number): boolean {
  return finite(s.prevClose) && d * (s.prevClose - levelPrice) < 0;
}

/** The location floor a level behind gives: 1 when broken this candle, else 1 − cushion in ATRs. */
function floorOf(s: TfSnapshot, d: number, levelPrice: number): number {
  if (freshBreak(s, d, levelPrice)) return 1;
  const cushion = (d * (s.close - levelPrice)) / s.atr;
  return Math.max(0, 1 - cushion / NEAR_ATR);
}

interface Location {
  readonly score: number;
  readonly reason: string;
}

/**
 * Where the close sits between the level behind it (support for a BUY) and the level ahead
 * (resistance for a BUY), in ATRs:
 *   location = 0.5 + 0.5 × floor − 0.4 × ceiling, clamped to [0, 1]
 *   floor    = 1 when the level behind was broken by this very candle (previous close on
 *              its far side), else max(0, 1 − cushion / 1 ATR)
 *   ceiling  = max(0, 1 − room / 1 ATR)
 * Levels behind come from the tracker, the candidate's own level and a broken Donchian bound
 * (the best floor of them counts); the level ahead is the tracker's nearest.
 */
function location(candidate: StrategyCandidate, s: TfSnapshot, d: number): Location {
  const atr = s.atr;
  const close = s.close;
  if (!(atr > 0) || !finite(close)) return { score: 0.5, reason: 'location unknown (no ATR yet)' };
  const behindWord = d > 0 ? 'support' : 'resistance';
  const aheadWord = d > 0 ? 'resistance' : 'support';

  // up to three levels behind (the tracker's, the candidate's, a broken Donchian bound); the
  // best floor wins (the first of equals) and only its text is written
  let floor = 0;
  let bestPrice = 0;
  let bestWhich = -1;
  const trackerBehind = d > 0 ? s.levels.nearestSupport(close) : s.levels.nearestResistance(close);
  if (trackerBehind) {
    const f = floorOf(s, d, trackerBehind.price);
    if (f > floor) {
      floor = f;
      bestPrice = trackerBehind.price;
      bestWhich = BEHIND_TRACKER;
    }
  }
  const lvl = candidate.level;
  if (lvl && d * (close - lvl.price) >= 0) {
    const f = floorOf(s, d, lvl.price);
    if (f > floor) {
      floor = f;
      bestPrice = lvl.price;
      bestWhich = BEHIND_CANDIDATE;
    }
  }
  const donchian = d > 0 ? s.donchianHigh : s.donchianLow;
  if (finite(donchian) && d * (close - donchian) > 0) {
    const f = floorOf(s, d, donchian);
    if (f > floor) {
      floor = f;
      bestPrice = donchian;
      bestWhich = BEHIND_DONCHIAN;
    }
  }

  let floorWhy = `no ${behindWord} within ${NEAR_ATR} ATR`;
  if (bestWhich >= 0) {
    // a level broken by this very candle is named for what it was until now (a BUY breaks a
    // resistance, which the tracker, reading the new close, already lists as support)
    const broken = freshBreak(s, d, bestPrice);
    const words =
      bestWhich === BEHIND_TRACKER
        ? broken
          ? aheadWord
          : behindWord
        : bestWhich === BEHIND_CANDIDATE && lvl
          ? lvl.kind
          : `20-candle ${d > 0 ? 'high' : 'low'}`;
    const what = `${words} ${formatPrice(bestPrice, s.tickSize)}`;
    floorWhy = broken
      ? `broke ${what} this candle`
      : `${formatFixed((d * (close - bestPrice)) / atr, 2)} ATR from ${what}`;
  }

  const ahead = d > 0 ? s.levels.nearestResistance(close) : s.levels.nearestSupport(close);
  let ceiling = 0;
  let aheadWhy = `no ${aheadWord} within ${NEAR_ATR} ATR ahead`;
  if (ahead) {
    const room = (d * (ahead.price - close)) / atr;
    ceiling = Math.max(0, 1 - room / NEAR_ATR);
    aheadWhy = `${formatFixed(room, 2)} ATR to ${aheadWord} ${formatPrice(ahead.price, s.tickSize)}`;
  }
  const score = clamp01(0.5 + FLOOR_BONUS * floor - CEILING_PENALTY * ceiling);
  return { score, reason: `${floorWhy}, ${aheadWhy}` };
}

/** Higher highs and higher lows for a BUY (lower for a SELL): share of the two that hold. */
function structure(s: TfSnapshot, d: number): { score: number; reason: string } {
  const hi = s.lastSwingHigh;
  const phi = s.prevSwingHigh;
  const lo = s.lastSwingLow;
  const plo = s.prevSwingLow;
  const word = d > 0 ? 'higher' : 'lower';
  // each check is positive when it holds, NaN when a price is not known
  const highCheck = hi && phi ? d * (hi.price - phi.price) : Number.NaN;
  const lowCheck = lo && plo ? d * (lo.price - plo.price) : Number.NaN;
  const highKnown = finite(highCheck);
  const lowKnown = finite(lowCheck);
  const known = (highKnown ? 1 : 0) + (lowKnown ? 1 : 0);
  if (known === 0) return { score: 0.5, reason: 'no swing structure yet' };
  const highHolds = highKnown && highCheck > 0;
  const lowHolds = lowKnown && lowCheck > 0;
  const agreed = (highHolds ? 1 : 0) + (lowHolds ? 1 : 0);
  return {
    score: agreed / known,
    reason:
      agreed === 2
        ? `swings: ${word} high, ${word} low`
        : highHolds
          ? `swings: ${word} high`
          : lowHolds
            ? `swings: ${word} low`
            : `swings against (no ${word} high or low)`,
  };
}

/**
 * confirmation = 0.5 + 0.25 × max(candidate confirmations, candle patterns favouring the
 * direction) − 0.25 × patterns against it, clamped: two confirmations make it 1, two opposing
 * patterns 0. The max, because a strategy's confirmations are usually those very patterns.
 */
function confirmation(
  candidate: StrategyCandidate,
  s: TfSnapshot,
  d: number,
): { score: number; reason: string } {
  let favour = 0;
  let against = 0;
  for (const [name, value] of s.patterns) {
    if (INDECISION_PATTERNS.has(name)) continue;
    if (d * value > 0) favour++;
    else if (d * value < 0) against++;
  }
  const n = candidate.confirmations.length;
  const score = clamp01(0.5 + 0.25 * Math.max(n, favour) - 0.25 * against);
  return { score, reason: `${n} confirmation(s), ${favour} pattern(s) for, ${against} against` };
}

/**
 * price_action = 0.4 × location + 0.3 × structure + 0.3 × confirmation for trend families;
 * mean reversion trades against the latest swings by design, so for it swing structure is left
 * out: 0.6 × location + 0.4 × confirmation (for every reversion family).
 */
export const priceActionVoter: Voter = (candidate, s, family) => {
  const d = sideOf(candidate.direction);
  const loc = location(candidate, s, d);
  const conf = confirmation(candidate, s, d);
  if (family.kind === 'reversion') {
    return {
      voter: 'price_action',
      score: 0.6 * loc.score + 0.4 * conf.score,
      reason: `${loc.reason}; ${conf.reason}`,
    };
  }
  const st = structure(s, d);
  return {
    voter: 'price_action',
    score: 0.4 * loc.score + 0.3 * st.score + 0.3 * conf.score,
    reason: `${loc.reason}; ${st.reason}; ${conf.reason}`,
  };
};
