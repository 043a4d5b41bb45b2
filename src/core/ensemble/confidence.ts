import type { TfSnapshot } from '../features/snapshot.js';
import type { FeatureBins } from '../learn/drift.js';
import { scoreContext, volumeFactor } from '../mtf/context.js';
import type { ConfidenceBreakdown, StrategyCandidate, Vote, VoterName } from '../signals/types.js';
import type { StrategyFamily } from '../strategies/definition.js';
import { priceActionVoter } from './price-action.js';
import { regimeVoter, volumeVoter } from './regime.js';
import { technicalVoter } from './technical.js';
import { clamp01, type Voter } from './voter.js';

export type EnsembleWeights = Readonly<Record<VoterName, number>>;

/** The voters in the order their votes are listed in a breakdown. */
export const VOTERS: Readonly<Record<VoterName, Voter>> = {
  technical: technicalVoter,
  price_action: priceActionVoter,
  regime: regimeVoter,
  volume: volumeVoter,
};
const VOTER_ORDER = Object.keys(VOTERS) as VoterName[];

/**
 * confidence = clamp(base × (1 + mtfBoost) × alignmentFactor × volumeFactor, 0, 1) with
 * base = Σ weight × score over the four votes (see `scoreContext` and `volumeFactor`).
 * The product is evaluated left to right in exactly that order, so a reader of the breakdown
 * can recompute it to the bit.
 */
/**
 * What gives a signal its confidence when a model is loaded: the calibrated probability that the
 * signal closes with a net profit after costs, from the candidate's features (core/learn/model.ts).
 */
export interface ConfidencePredictor {
  readonly version: string;
  /** The training distribution of its features, for the drift watch (none: no PSI check). */
  readonly driftBins?: readonly FeatureBins[];
  predict(features: Readonly<Record<string, number>>): number;
}

export function scoreConfidence(
  candidate: StrategyCandidate,
  family: StrategyFamily,
  signal: TfSnapshot,
  contexts: readonly TfSnapshot[],
  weights: EnsembleWeights,
  baseScale = 1,
): { confidence: number; breakdown: ConfidenceBreakdown } {
  // a NaN score would poison the sum even at weight 0: voters never give one, but be sure
  const votes: Vote[] = VOTER_ORDER.map((name) => {
    const opinion = VOTERS[name](candidate, signal, family);
    return { voter: name, weight: weights[name], score: clamp01(opinion.score), reason: opinion.reason };
  });
  let ensembleScore = 0;
  for (let k = 0; k < votes.length; k++) ensembleScore += votes[k].weight * votes[k].score;
  const base = baseScale * ensembleScore;
  const ctx = scoreContext(contexts, candidate.direction);
  const vf = volumeFactor(signal.volumeRatio);
  const product = base * (1 + ctx.mtfBoost) * ctx.alignmentFactor * vf;
  const confidence = Math.min(1, Math.max(0, product));
  return {
    confidence,
    breakdown: {
      strategyBase: candidate.baseConfidence,
      votes,
      ensembleScore,
      baseScale,
      base,
      mtfBoost: ctx.mtfBoost,
      alignmentFactor: ctx.alignmentFactor,
      volumeFactor: vf,
      product,
      score: confidence,
      model: null,
      context: ctx.views,
    },
  };
}
