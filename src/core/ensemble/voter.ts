import type { TfSnapshot } from '../features/snapshot.js';
import { clamp01 } from '../math.js';
import type { Direction, StrategyCandidate, Vote } from '../signals/types.js';
import type { StrategyFamily } from '../strategies/definition.js';

/** One voter's opinion before the ensemble gives it its configured weight. */
export type VoterOpinion = Omit<Vote, 'weight'>;

/**
 * A voter judges a candidate on the signal timeframe's snapshot, knowing the family that made
 * it (a reversion is judged on turns, a trend on sides; the regime vote reads the family's band).
 */
export type Voter = (
  candidate: StrategyCandidate,
  signal: TfSnapshot,
  family: StrategyFamily,
) => VoterOpinion;

export const finite = Number.isFinite;
export { clamp01 };
export const sideOf = (direction: Direction): number => (direction === 'BUY' ? 1 : -1);
