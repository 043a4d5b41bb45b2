import { formatFixed } from '../format.js';
import { regimeOf } from '../mtf/context.js';
import type { RegimeBand } from '../strategies/definition.js';
import { clamp01, finite, type Voter } from './voter.js';

/**
 * How well the signal timeframe's ADX suits the family's regime band, 0..1 (0.5 when ADX is
 * not warm): `trending` ramps from 0 at ADX 15 to 1 at ADX 25; `ranging` is 1 up to ADX 20
 * and ramps down to 0 at ADX 30. Linear ramps rather than steps, so a
 * tick of ADX around a threshold does not flip the score.
 */
export function regimeFit(band: RegimeBand, adx: number): number {
  if (!finite(adx)) return 0.5;
  return band === 'trending' ? clamp01((adx - 15) / 10) : clamp01((30 - adx) / 10);
}

export const regimeVoter: Voter = (candidate, s, family) => {
  const score = regimeFit(family.regime, s.adx);
  const reason = finite(s.adx)
    ? `ADX ${formatFixed(s.adx, 1)} (${regimeOf(s.adx)}) fits ${candidate.strategy} ${formatFixed(score, 2)}`
    : 'regime unknown (ADX warming up)';
  return { voter: 'regime', score, reason };
};

/** volume = min(1, ratio / 2): average volume scores 0.5, twice the average or more 1. */
export const volumeVoter: Voter = (_candidate, s) => {
  const r = s.volumeRatio;
  if (!finite(r))
    return { voter: 'volume', score: 0.5, reason: 'volume ratio unknown (no average volume yet)' };
  return {
    voter: 'volume',
    score: clamp01(r / 2),
    reason: `volume ${formatFixed(r, 2)}x its 20-candle mean`,
  };
};
