import type { TfSnapshot } from '../features/snapshot.js';
import type { ConfidenceBreakdown, Direction, HealthBreakdown } from '../signals/types.js';
import type { StrategyKind } from '../strategies/definition.js';

/**
 * The features of a candidate at the moment it was made, for the confidence model: every value
 * is known at the signal's creation (the signal timeframe's closed candle, the closed candles of
 * the higher timeframes the breakdown cites, the plan). Direction-dependent readings are signed
 * so that "for the trade" is positive for a BUY and a SELL alike. NaN means "not known yet"
 * (an indicator warming up); the model decides what that is worth.
 *
 * The names are the model's contract: a trained model lists the ones it uses, and adding a
 * feature never changes an old model's input.
 */
export const FEATURE_NAMES = [
  'kind_trend',
  'kind_breakout',
  'kind_reversion',
  'kind_scalp',
  'timeframe_log2_minutes',
  'direction',
  'strategy_base',
  'vote_technical',
  'vote_price_action',
  'vote_regime',
  'vote_volume',
  'score',
  'mtf_boost',
  'alignment_factor',
  'volume_factor',
  'health_data',
  'health_technical',
  'health_risk',
  'health_regime',
  'reward_risk',
  'stop_atr',
  'stop_pct',
  'cost_to_stop',
  'entry_limit',
  'entry_distance_atr',
  'adx',
  'rsi_for',
  'atr_pct',
  'volatility_percentile',
  'log_volume_ratio',
  'ema50_slope_for',
  'ema200_distance_atr_for',
  'bollinger_position_for',
  'context_trend_for',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export type CandidateFeatures = Readonly<Record<FeatureName, number>>;

export interface FeatureInput {
  readonly kind: StrategyKind;
  readonly direction: Direction;
  readonly strategyBase: number;
  readonly breakdown: ConfidenceBreakdown;
  readonly health: HealthBreakdown;
  readonly signal: TfSnapshot;
  readonly entryPrice: number;
  readonly stopLoss: number;
  readonly rewardRisk: number;
  readonly limitEntry: boolean;
  /** Round-trip cost (fees + slippage, both sides) as a fraction of the notional. */
  readonly roundTripCost: number;
}

const MINUTE = 60_000;

function voteScore(b: ConfidenceBreakdown, voter: string): number {
  for (const v of b.votes) if (v.voter === voter) return v.score;
  return Number.NaN;
}

/** The candidate's features (see FEATURE_NAMES), in that order of keys. */
export function candidateFeatures(x: FeatureInput): CandidateFeatures {
  const s = x.signal;
  const d = x.direction === 'BUY' ? 1 : -1;
  const stopDistance = Math.abs(x.entryPrice - x.stopLoss);
  const stopPct = stopDistance / x.entryPrice;
  const b = x.breakdown;
  let trendWeight = 0;
  let trendSum = 0;
  for (const v of b.context) {
    trendWeight += v.weight;
    trendSum += v.weight * v.trend * d;
  }
  const band = s.bbUpper - s.bbLower;
  return {
    kind_trend: x.kind === 'trend' ? 1 : 0,
    kind_breakout: x.kind === 'breakout' ? 1 : 0,
    kind_reversion: x.kind === 'reversion' ? 1 : 0,
    kind_scalp: x.kind === 'scalp' ? 1 : 0,
    timeframe_log2_minutes: Math.log2((s.closeTime - s.openTime) / MINUTE),
    direction: d,
    strategy_base: x.strategyBase,
    vote_technical: voteScore(b, 'technical'),
    vote_price_action: voteScore(b, 'price_action'),
    vote_regime: voteScore(b, 'regime'),
    vote_volume: voteScore(b, 'volume'),
    score: b.product,
    mtf_boost: b.mtfBoost,
    alignment_factor: b.alignmentFactor,
    volume_factor: b.volumeFactor,
    health_data: x.health.dataQuality,
    health_technical: x.health.technical,
    health_risk: x.health.risk,
    health_regime: x.health.regime,
    reward_risk: x.rewardRisk,
    stop_atr: stopDistance / s.atr,
    stop_pct: stopPct,
    cost_to_stop: x.roundTripCost / stopPct,
    entry_limit: x.limitEntry ? 1 : 0,
    entry_distance_atr: Math.abs(x.entryPrice - s.close) / s.atr,
    adx: s.adx,
    rsi_for: d * (s.rsi - 50),
    atr_pct: s.atrPct,
    volatility_percentile: s.volatilityPercentile,
    log_volume_ratio: s.volumeRatio > 0 ? Math.log(s.volumeRatio) : Number.NaN,
    ema50_slope_for: d * s.ema50Slope,
    ema200_distance_atr_for: (d * (s.close - s.ema200)) / s.atr,
    bollinger_position_for: band > 0 ? (d * (s.close - s.bbMiddle)) / band : Number.NaN,
    context_trend_for: trendWeight > 0 ? trendSum / trendWeight : 0,
  };
}
