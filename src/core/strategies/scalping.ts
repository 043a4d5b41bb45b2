import type { TfSnapshot } from '../features/snapshot.js';
import { formatMultiple, formatPrice, formatReading } from '../format.js';
import type { Direction, StrategyCandidate } from '../signals/types.js';
import { defineStrategy, type ParamValues, type StrategyContext, type StrategyRule } from './definition.js';
import { baseConfidence, clamp01, patternConfirmations, testedLevel } from './strategy-kit.js';

const PARAMS = {
  stopAtr: {
    type: 'number',
    default: 1.0,
    positive: true,
    description: 'Stop distance in ATRs (tight).',
    search: { min: 0.75, max: 2, step: 0.25 },
  },
} as const;

export type ScalpingConfig = ParamValues<typeof PARAMS>;

/** EMA 9-21 gap (in ATRs) at which the cross counts as decisive. */
const CROSS_GAP_ATR = 0.2;
/** RSI points past 50 at which the RSI term is full. */
const RSI_SIDE_SPAN = 15;

/**
 * A fast EMA 9/21 cross on the right side of the day's VWAP, on the lowest signal timeframe
 * only (on higher ones the same cross is a slow trend change, which momentum covers).
 *
 * BUY when EMA 9 crosses above EMA 21 on this candle (previous EMA 9 ≤ previous EMA 21, now
 * EMA 9 > EMA 21) and the close is above VWAP; SELL mirrored. A cross is an event, so it fires
 * once. The candidate asks for the configured tight stop (`stopAtr`).
 *
 * Strength (weights add to 1), for BUY (SELL mirrored); RSI and volume may be missing (NaN),
 * their terms then add nothing:
 *   0.25 × clamp((EMA 9 − EMA 21) / (0.2 × ATR))  how decisive the cross is
 *   0.25 × clamp((close − VWAP) / ATR)             distance on the right side of VWAP
 *   0.25 × clamp(volumeRatio − 1)                  volume above its mean
 *   0.25 × clamp((RSI − 50) / 15)                  RSI on the same side
 */
function createScalping(cfg: ScalpingConfig): StrategyRule {
  function candidate(s: TfSnapshot, direction: Direction): StrategyCandidate {
    const up = direction === 'BUY';
    const d = up ? 1 : -1;
    const strength =
      0.25 * clamp01((d * (s.ema9 - s.ema21)) / (CROSS_GAP_ATR * s.atr)) +
      0.25 * clamp01((d * (s.close - s.vwap)) / s.atr) +
      0.25 * clamp01(s.volumeRatio - 1) +
      0.25 * clamp01((d * (s.rsi - 50)) / RSI_SIDE_SPAN);
    const rel = up ? '>' : '<';
    const reasons = [
      `Scalping ${direction}: EMA 9 crossed ${up ? 'above' : 'below'} EMA 21 (${formatPrice(s.ema9, s.tickSize)} ${rel} ${formatPrice(s.ema21, s.tickSize)}), close ${formatPrice(s.close, s.tickSize)} ${up ? 'above' : 'below'} VWAP ${formatPrice(s.vwap, s.tickSize)}`,
    ];
    const extras: string[] = [];
    if (!Number.isNaN(s.rsi)) extras.push(`RSI ${formatReading(s.rsi)}`);
    if (!Number.isNaN(s.volumeRatio)) extras.push(`volume ${formatMultiple(s.volumeRatio)} average`);
    if (extras.length > 0) reasons.push(extras.join(', '));
    reasons.push(`Tight stop: ${cfg.stopAtr} ATR`);
    const level = testedLevel(s, direction);
    const confirmations = level ? patternConfirmations(s, direction, level.kind, level.price) : [];
    return {
      strategy: 'scalping',
      direction,
      baseConfidence: baseConfidence(strength, confirmations.length),
      reasons,
      confirmations,
      stopAtr: cfg.stopAtr,
    };
  }

  return {
    evaluate(ctx: StrategyContext): StrategyCandidate | null {
      const s = ctx.signal;
      if (!ctx.ready) return null;
      if (s.prevEma9 <= s.prevEma21 && s.ema9 > s.ema21 && s.close > s.vwap) return candidate(s, 'BUY');
      if (s.prevEma9 >= s.prevEma21 && s.ema9 < s.ema21 && s.close < s.vwap) return candidate(s, 'SELL');
      return null;
    },
  };
}

export const scalping = defineStrategy({
  name: 'scalping',
  description: 'Fast EMA 9/21 cross on the side of the daily VWAP, lowest signal timeframe only, tight stop',
  kind: 'scalp',
  regime: 'trending',
  needs: ['close', 'ema9', 'ema21', 'prevEma9', 'prevEma21', 'vwap', 'atr'],
  warmup: 22,
  timeframes: 'lowest',
  params: PARAMS,
  create: createScalping,
});
