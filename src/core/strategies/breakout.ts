import type { TfSnapshot } from '../features/snapshot.js';
import { formatMultiple, formatPrice, formatTouches } from '../format.js';
import type { Direction, StrategyCandidate } from '../signals/types.js';
import type { Level } from '../structure/levels.js';
import { CandleMemory } from './candle-memory.js';
import { defineStrategy, type ParamValues, type StrategyContext, type StrategyRule } from './definition.js';
import { baseConfidence, clamp01, patternConfirmations } from './strategy-kit.js';

const PARAMS = {
  minVolumeRatio: {
    type: 'number',
    default: 1.5,
    positive: true,
    description: 'Volume must be at least this multiple of its 20-candle mean.',
    search: { min: 1, max: 2.5, step: 0.25 },
  },
  minTouches: {
    type: 'int',
    default: 2,
    min: 1,
    description: 'Touches a level needs to count as one.',
    search: { min: 1, max: 4, step: 1 },
  },
} as const;

export type BreakoutConfig = ParamValues<typeof PARAMS>;

/**
 * Candles the close must stay inside the Donchian channel before a close beyond it counts as a
 * new breakout: a run of closes beyond the channel, with short pauses, is one breakout.
 */
const DONCHIAN_QUIET = 5;
/** Memory: candles since the last close above the channel (low byte) and below it (next byte), capped. */
const SINCE_CAP = 255;
const packSince = (above: number, below: number): number =>
  Math.min(above, SINCE_CAP) | (Math.min(below, SINCE_CAP) << 8);

/**
 * The strongest level (most touches, then nearest the close) with at least `minTouches`
 * touches that the close crossed from the previous close: strictly between the two closes.
 * Scans upward from the lower close through the tracker's sorted levels.
 */
function brokenLevel(s: TfSnapshot, direction: Direction, minTouches: number): Level | null {
  const up = direction === 'BUY';
  const from = up ? s.prevClose : s.close;
  const to = up ? s.close : s.prevClose;
  let best: Level | null = null;
  for (
    let l = s.levels.nearestResistance(from);
    l !== null && l.price < to;
    l = s.levels.nearestResistance(l.price)
  ) {
    if (l.touches < minTouches) continue;
    // the scan runs upward: for BUY a later level of equal touches is nearer the close, for SELL an earlier one
    if (best === null || l.touches > best.touches || (up && l.touches === best.touches)) best = l;
  }
  return best;
}

/**
 * A close beyond a support/resistance level or beyond the 20-candle Donchian channel, on
 * volume.
 *
 * BUY when volumeRatio ≥ minVolumeRatio and either the close broke a level with ≥ minTouches
 * touches that the previous close was below, or the close is above the highest high of the 20
 * candles before it after at least 5 closes inside the channel (so a run of closes beyond the
 * channel, with short pauses, fires once, at its first close). SELL mirrored. When one candle breaks
 * both, the level is named first and carried in `candidate.level` (the Donchian extreme is
 * carried, as a one-touch level, when it alone broke).
 *
 * Strength (weights add to 1), for BUY (SELL mirrored), with `broken` the level's price (or the
 * channel's edge):
 *   0.35 × clamp((volumeRatio − minVolumeRatio) / minVolumeRatio)   volume beyond the minimum
 *   0.25 × clamp((touches − minTouches + 1) / 3 + (Donchian ? 1/3 : 0)) what was broken
 *   0.20 × clamp((close − broken) / ATR)                               clearance past it
 *   0.20 × clamp((close − low) / (high − low))                         close near the extreme
 */
function createBreakout(cfg: BreakoutConfig): StrategyRule {
  const memory = new CandleMemory();

  function candidate(
    s: TfSnapshot,
    direction: Direction,
    level: Level | null,
    donchian: boolean,
  ): StrategyCandidate {
    const up = direction === 'BUY';
    const d = up ? 1 : -1;
    const edge = up ? s.donchianHigh : s.donchianLow;
    const broken = level ? level.price : edge;
    const kind = up ? 'resistance' : 'support';
    const touchTerm = level ? (level.touches - cfg.minTouches + 1) / 3 : 0;
    const strength =
      0.35 * clamp01((s.volumeRatio - cfg.minVolumeRatio) / cfg.minVolumeRatio) +
      0.25 * clamp01(touchTerm + (donchian ? 1 / 3 : 0)) +
      0.2 * clamp01((d * (s.close - broken)) / s.atr) +
      0.2 * clamp01((up ? s.close - s.low : s.high - s.close) / (s.high - s.low));

    const volume = `volume ${formatMultiple(s.volumeRatio)} average`;
    const channel = `the 20-candle ${up ? 'high' : 'low'} ${formatPrice(edge, s.tickSize)}`;
    const reasons: string[] = [];
    if (level) {
      reasons.push(
        `Breakout ${direction}: close ${formatPrice(s.close, s.tickSize)} broke ${kind} ${formatPrice(level.price, s.tickSize)} (${formatTouches(level.touches)}), ${volume}`,
      );
      reasons.push(
        `Previous close ${formatPrice(s.prevClose, s.tickSize)} was ${up ? 'below' : 'above'} the ${kind}`,
      );
      if (donchian) reasons.push(`The close is also ${up ? 'above' : 'below'} ${channel}`);
    } else {
      reasons.push(
        `Breakout ${direction}: close ${formatPrice(s.close, s.tickSize)} ${up ? 'above' : 'below'} ${channel}, ${volume}`,
      );
    }
    const where = level ? `broken ${kind}` : `20-candle ${up ? 'high' : 'low'}`;
    const confirmations = patternConfirmations(s, direction, where, broken);
    return {
      strategy: 'breakout',
      direction,
      baseConfidence: baseConfidence(strength, confirmations.length),
      reasons,
      confirmations,
      level: level ? { price: level.price, touches: level.touches, kind } : { price: edge, touches: 1, kind },
    };
  }

  return {
    evaluate(ctx: StrategyContext): StrategyCandidate | null {
      const s = ctx.signal;
      const prev = memory.previous(s);
      // an unseen previous candle may have been the breakout already: not fresh
      const sinceAbove = prev < 0 ? 0 : prev & SINCE_CAP;
      const sinceBelow = prev < 0 ? 0 : (prev >> 8) & SINCE_CAP;
      const above = s.close > s.donchianHigh;
      const below = s.close < s.donchianLow;
      memory.record(s, packSince(above ? 0 : sinceAbove + 1, below ? 0 : sinceBelow + 1));
      if (!ctx.ready || !(s.volumeRatio >= cfg.minVolumeRatio)) return null;
      if (s.close > s.prevClose) {
        const level = brokenLevel(s, 'BUY', cfg.minTouches);
        const donchian = above && sinceAbove >= DONCHIAN_QUIET;
        if (level || donchian) return candidate(s, 'BUY', level, donchian);
      } else if (s.close < s.prevClose) {
        const level = brokenLevel(s, 'SELL', cfg.minTouches);
        const donchian = below && sinceBelow >= DONCHIAN_QUIET;
        if (level || donchian) return candidate(s, 'SELL', level, donchian);
      }
      return null;
    },
  };
}

export const breakout = defineStrategy({
  name: 'breakout',
  description: 'Close beyond a touched support/resistance level or the 20-candle Donchian channel, on volume',
  kind: 'breakout',
  regime: 'trending',
  needs: ['close', 'prevClose', 'high', 'low', 'atr', 'volumeRatio', 'donchianHigh', 'donchianLow'],
  warmup: 21,
  timeframes: 'all',
  params: PARAMS,
  create: createBreakout,
});
