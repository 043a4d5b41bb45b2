import type { TfSnapshot } from '../features/snapshot.js';
import { formatPrice, formatReading, formatTouches } from '../format.js';
import type { Direction, StrategyCandidate } from '../signals/types.js';
import { CandleMemory } from './candle-memory.js';
import { defineStrategy, type ParamValues, type StrategyContext, type StrategyRule } from './definition.js';
import { baseConfidence, clamp01, patternConfirmations, testedLevel } from './strategy-kit.js';

const PARAMS = {
  rsiOversold: {
    type: 'number',
    default: 30,
    min: 0,
    max: 100,
    description: 'RSI at or below this is oversold (BUY side).',
    search: { min: 20, max: 35, step: 5 },
  },
  rsiOverbought: {
    type: 'number',
    default: 70,
    min: 0,
    max: 100,
    description: 'RSI at or above this is overbought (SELL side).',
    search: { min: 65, max: 80, step: 5 },
  },
  maxAdx: {
    type: 'number',
    default: 22,
    min: 0,
    max: 100,
    description: 'Ranging regime: ADX below this.',
    search: { min: 18, max: 30, step: 2 },
  },
} as const;

export type MeanReversionConfig = ParamValues<typeof PARAMS>;

/** Memory bits: RSI rose / fell on that candle. */
const RSI_ROSE = 1;
const RSI_FELL = 2;

/** RSI points beyond the threshold (and 10 inside it) over which the depth term runs 0 → 1. */
const RSI_DEPTH_SPAN = 20;
/** ADX points below maxAdx at which the regime term is full. */
const ADX_CALM_SPAN = 10;

/**
 * Fading extremes, in a ranging market only (ADX < maxAdx).
 *
 * BUY on either trigger: RSI turning up from oversold (the previous RSI ≤ rsiOversold, this
 * one higher, and the previous candle's RSI had not risen: the first up-tick, not every rising
 * candle of the recovery), or a Bollinger re-entry (previous close below the previous lower
 * band, this close back above the lower band). SELL mirrored with rsiOverbought and the upper
 * band. Both triggers are events, so the rule does not repeat while the market stays stretched.
 *
 * Strength (weights add to 1), for BUY (SELL mirrored):
 *   0.25 × clamp((rsiOversold + 10 − previous RSI) / 20)        how stretched RSI was
 *   0.20 × (both triggers on this candle ? 1 : 0)
 *   0.20 × clamp((maxAdx − ADX) / 10)                            how clearly ranging
 *   0.20 × clamp((BB middle − close) / (BB middle − BB lower))  room back to the mean
 *   0.15 × (the low tested a support level ? 1 : 0)
 */
function createMeanReversion(cfg: MeanReversionConfig): StrategyRule {
  const memory = new CandleMemory();

  function candidate(
    s: TfSnapshot,
    direction: Direction,
    rsiTurn: boolean,
    reentry: boolean,
  ): StrategyCandidate {
    const up = direction === 'BUY';
    const d = up ? 1 : -1;
    const level = testedLevel(s, direction);
    const stretch = up ? cfg.rsiOversold + 10 - s.prevRsi : s.prevRsi - (cfg.rsiOverbought - 10);
    const band = up ? s.bbLower : s.bbUpper;
    const strength =
      0.25 * clamp01(stretch / RSI_DEPTH_SPAN) +
      0.2 * (rsiTurn && reentry ? 1 : 0) +
      0.2 * clamp01((cfg.maxAdx - s.adx) / ADX_CALM_SPAN) +
      0.2 * clamp01((d * (s.bbMiddle - s.close)) / (d * (s.bbMiddle - band))) +
      0.15 * (level ? 1 : 0);

    const head = `Mean reversion ${direction}:`;
    const rsiText = up
      ? `RSI ${formatReading(s.rsi)} turned up from ${formatReading(s.prevRsi)} (oversold ≤ ${cfg.rsiOversold})`
      : `RSI ${formatReading(s.rsi)} turned down from ${formatReading(s.prevRsi)} (overbought ≥ ${cfg.rsiOverbought})`;
    const prevBand = up ? s.prevBbLower : s.prevBbUpper;
    const side = up ? 'lower' : 'upper';
    const bbText = `close ${formatPrice(s.close, s.tickSize)} back inside the ${side} Bollinger band ${formatPrice(band, s.tickSize)} after a close ${formatPrice(s.prevClose, s.tickSize)} ${up ? 'below' : 'above'} it (${formatPrice(prevBand, s.tickSize)})`;
    const reasons: string[] = [];
    if (rsiTurn) reasons.push(`${head} ${rsiText}`);
    if (reentry) reasons.push(rsiTurn ? `The ${bbText}` : `${head} ${bbText}`);
    reasons.push(`Ranging market: ADX ${formatReading(s.adx)} < ${cfg.maxAdx}`);
    if (level) {
      reasons.push(
        `${up ? 'Low' : 'High'} ${formatPrice(up ? s.low : s.high, s.tickSize)} tested ${level.kind} ${formatPrice(level.price, s.tickSize)} (${formatTouches(level.touches)})`,
      );
    }
    const confirmations = level ? patternConfirmations(s, direction, level.kind, level.price) : [];
    return {
      strategy: 'mean_reversion',
      direction,
      baseConfidence: baseConfidence(strength, confirmations.length),
      reasons,
      confirmations,
      ...(level ? { level: { price: level.price, touches: level.touches, kind: level.kind } } : {}),
    };
  }

  return {
    evaluate(ctx: StrategyContext): StrategyCandidate | null {
      const s = ctx.signal;
      const prev = memory.previous(s);
      // unseen previous candle: it may have been the turn already
      const before = prev < 0 ? RSI_ROSE | RSI_FELL : prev;
      memory.record(s, (s.rsi > s.prevRsi ? RSI_ROSE : 0) | (s.rsi < s.prevRsi ? RSI_FELL : 0));
      if (!ctx.ready || !(s.adx < cfg.maxAdx)) return null;

      const turnUp = s.prevRsi <= cfg.rsiOversold && s.rsi > s.prevRsi && (before & RSI_ROSE) === 0;
      const reentryUp = s.prevClose < s.prevBbLower && s.close > s.bbLower;
      const turnDown = s.prevRsi >= cfg.rsiOverbought && s.rsi < s.prevRsi && (before & RSI_FELL) === 0;
      const reentryDown = s.prevClose > s.prevBbUpper && s.close < s.bbUpper;
      const buy = turnUp || reentryUp;
      const sell = turnDown || reentryDown;
      // both at once needs a candle swinging from one extreme to the other: no clear side
      if (buy && !sell) return candidate(s, 'BUY', turnUp, reentryUp);
      if (sell && !buy) return candidate(s, 'SELL', turnDown, reentryDown);
      return null;
    },
  };
}

export const meanReversion = defineStrategy({
  name: 'mean_reversion',
  description:
    'Ranging market (low ADX): RSI turning from oversold/overbought, or a close back inside the Bollinger bands',
  kind: 'reversion',
  regime: 'ranging',
  needs: [
    'close',
    'prevClose',
    'low',
    'high',
    'rsi',
    'prevRsi',
    'adx',
    'atr',
    'bbUpper',
    'bbMiddle',
    'bbLower',
    'prevBbUpper',
    'prevBbLower',
  ],
  warmup: 28,
  timeframes: 'all',
  params: PARAMS,
  create: createMeanReversion,
});
