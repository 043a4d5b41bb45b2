import type { RiskLevel } from '../signals/types.js';

/**
 * A signal's risk level, from two things a trader sees at once: how far the stop is (a fraction
 * of the entry price) and how volatile the signal timeframe is now (its ATR% percentile among
 * the last 100 candles, 0..1). Each scores 0, 1 or 2 points:
 *
 *   stop distance        < 1 %: 0     1 % to < 3 %: 1     >= 3 %: 2
 *   volatility pct.      < 0.33: 0    0.33 to < 0.8: 1    >= 0.8: 2   (unknown: 1)
 *
 * and the sum gives the level: 0-1 low, 2 medium, 3-4 high. The bands are the design's words
 * turned into numbers (docs/DECISIONS.md); they describe, they do not filter.
 */
export const STOP_BANDS = [0.01, 0.03] as const;
export const VOLATILITY_BANDS = [0.33, 0.8] as const;

function points(x: number, bands: readonly [number, number]): number {
  if (Number.isNaN(x)) return 1;
  return x < bands[0] ? 0 : x < bands[1] ? 1 : 2;
}

export function riskLevelOf(entryPrice: number, stopLoss: number, volatilityPercentile: number): RiskLevel {
  const stopFraction = Math.abs(entryPrice - stopLoss) / entryPrice;
  const sum = points(stopFraction, STOP_BANDS) + points(volatilityPercentile, VOLATILITY_BANDS);
  return sum <= 1 ? 'low' : sum === 2 ? 'medium' : 'high';
}
