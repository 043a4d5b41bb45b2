import type { Position } from './position.js';
import type { Outcome, OutcomeConfig, OutcomeType } from './types.js';

/** What the outcome record needs from the configuration. */
export type OutcomeCosts = Pick<OutcomeConfig, 'feePerSide' | 'policy'>;

/** Ends `p` and writes its record: returns after costs, R, excursions and timings. */
export function closeOutcome(
  p: Position,
  type: OutcomeType,
  exitTime: number,
  reason: string,
  config: OutcomeCosts,
): Outcome {
  p.done = true;
  const s = p.signal;
  const entry = s.entryPrice;
  const filled = p.filled;
  const fees = filled ? config.feePerSide * (1 + p.exitNotional / entry) : 0;
  const outcome: Outcome = {
    signalId: s.id,
    symbol: s.symbol,
    direction: s.direction,
    type,
    reason,
    policy: config.policy,
    createdAt: s.createdAt,
    entryPrice: entry,
    stopLoss: s.stopLoss,
    filled,
    fillTime: filled ? p.fillTime : null,
    fillPrice: filled ? entry : null,
    exitTime,
    averageExitPrice: filled && p.exitedFraction > 0 ? p.exitNotional / p.exitedFraction : null,
    targetsHit: p.next,
    rMultiple: filled ? p.gain / p.risk : 0,
    returnPct: filled ? p.gain / entry - fees : 0,
    fees,
    mae: filled ? (p.worstX - p.entryX) / entry : 0,
    mfe: filled ? (p.bestX - p.entryX) / entry : 0,
    maeR: filled ? (p.worstX - p.entryX) / p.risk : 0,
    mfeR: filled ? (p.bestX - p.entryX) / p.risk : 0,
    timeToFillMs: filled ? p.fillTime - s.createdAt : null,
    timeToTp1Ms: timeToTarget(p, 0),
    timeToTp2Ms: timeToTarget(p, 1),
    timeToTp3Ms: timeToTarget(p, 2),
    timeToExitMs: exitTime - s.createdAt,
    holdingMs: filled ? exitTime - p.fillTime : null,
    ambiguous: p.ambiguousCandles > 0,
    ambiguousCandles: p.ambiguousCandles,
    events: p.events,
  };
  return outcome;
}

/** The record of a position a stop or its last target closed on the candle closing at `time`. */
export function closedOnLevel(p: Position, time: number, config: OutcomeCosts): Outcome {
  const s = p.signal;
  if (p.closedAtTarget) {
    return closeOutcome(
      p,
      'TP_HIT',
      time,
      `closed at targets (TP${p.next} ${p.sign * p.candleExitX})`,
      config,
    );
  }
  const level = p.sign * p.stopX;
  if (p.trailed) return closeOutcome(p, 'TRAILING_STOP', time, `trailing stop ${level} hit`, config);
  if (p.next === 0) return closeOutcome(p, 'SL_HIT', time, `stop ${s.stopLoss} hit`, config);
  const which = p.atBreakeven ? `breakeven stop ${level}` : `stop ${level}`;
  return closeOutcome(p, 'PARTIAL_TP', time, `${which} hit after TP${p.next}`, config);
}

/** Time from the fill to target k, null when not taken. */
function timeToTarget(p: Position, k: number): number | null {
  const t = p.targetTime[k];
  return t < 0 ? null : t - p.fillTime;
}
