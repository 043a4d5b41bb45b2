import { type TfSnapshot, warmMask } from '../features/snapshot.js';
import type { HealthBreakdown } from '../signals/types.js';
import type { StrategyFamily } from '../strategies/definition.js';
import { regimeFit } from './regime.js';
import { clamp01 } from './voter.js';

export interface HealthInput {
  readonly signal: TfSnapshot;
  readonly warmupComplete: boolean;
  readonly qualityWindow: number;
  readonly rewardRisk: number;
  readonly minRewardRisk: number;
  readonly family: StrategyFamily;
}

export const HEALTH_WEIGHTS = { dataQuality: 0.3, technical: 0.3, risk: 0.2, regime: 0.2 } as const;

/** The readings whose warmth the technical health counts (each has a warm bit of its own). */
const HEALTH_FIELDS = [
  'ema9',
  'ema21',
  'ema50',
  'ema200',
  'rsi',
  'macdHist',
  'adx',
  'atr',
  'bbMiddle',
  'volumeRatio',
] as const;
const HEALTH_READINGS = warmMask(HEALTH_FIELDS);
const HEALTH_READING_COUNT = HEALTH_FIELDS.length;

function bitCount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

/** Multiplier on data quality when the signal's own candle lacks some of its constituents. */
const INCOMPLETE_CANDLE_PENALTY = 0.5;

/**
 * How far the signal can be trusted, apart from how strong it is:
 *   dataQuality = 0 before warm-up; else (1 − min(1, defects / qualityWindow)), halved when
 *                 the latest candle is incomplete (the signal rests on partial data)
 *   technical   = warm share of EMA9/21/50/200, RSI, MACD hist, ADX, ATR, Bollinger, volume
 *                 ratio × (0.5 + 0.5 × consistency) for trend families, where consistency =
 *                 |bull − bear| / (bull + bear) over the signs of EMA9−EMA21, MACD hist,
 *                 RSI−50, close−EMA50 (1 when all tell one story, 0 when split evenly);
 *                 a reversion thrives on split readings, so for reversion families only the
 *                 warm share
 *   risk        = min(1, rewardRisk / (2 × minRewardRisk)): the minimum R:R scores 0.5
 *   regime      = regimeFit(family's regime band, ADX)
 *   score       = 0.3 dataQuality + 0.3 technical + 0.2 risk + 0.2 regime
 */
export function healthScore(input: HealthInput): HealthBreakdown {
  const s = input.signal;

  let dataQuality = 0;
  if (input.warmupComplete) {
    const window = input.qualityWindow > 0 ? input.qualityWindow : 1;
    dataQuality = 1 - Math.min(1, Math.max(0, s.defectsInWindow) / window);
    if (!s.complete) dataQuality *= INCOMPLETE_CANDLE_PENALTY;
    dataQuality = clamp01(dataQuality);
  }

  const warmShare = bitCount(s.warm & HEALTH_READINGS) / HEALTH_READING_COUNT;
  let technical = warmShare;
  if (input.family.kind !== 'reversion') {
    // the signs of EMA9−EMA21, MACD hist, RSI−50, close−EMA50 (NaN counts for neither side)
    const a = s.ema9 - s.ema21;
    const b = s.macdHist;
    const c = s.rsi - 50;
    const e = s.close - s.ema50;
    const bull = (a > 0 ? 1 : 0) + (b > 0 ? 1 : 0) + (c > 0 ? 1 : 0) + (e > 0 ? 1 : 0);
    const bear = (a < 0 ? 1 : 0) + (b < 0 ? 1 : 0) + (c < 0 ? 1 : 0) + (e < 0 ? 1 : 0);
    const consistency = bull + bear > 0 ? Math.abs(bull - bear) / (bull + bear) : 1;
    technical = warmShare * (0.5 + 0.5 * consistency);
  }

  const rr = input.rewardRisk;
  const minRr = input.minRewardRisk;
  let risk = 0;
  if (rr > 0) risk = minRr > 0 ? clamp01(rr / (2 * minRr)) : 1;

  const regime = regimeFit(input.family.regime, s.adx);
  const score =
    HEALTH_WEIGHTS.dataQuality * dataQuality +
    HEALTH_WEIGHTS.technical * technical +
    HEALTH_WEIGHTS.risk * risk +
    HEALTH_WEIGHTS.regime * regime;
  return { dataQuality, technical, risk, regime, score };
}
