import type { EngineConfig } from '../../config/engine-schema.js';
import { type Timeframe, timeframeMs } from '../candles/timeframe.js';
import type { OutcomeConfig } from './types.js';

/**
 * The outcome tracker's settings from the engine's `outcomes` section: one definition for the
 * pipeline's trackers, the backtest's policy replays and the random baseline, so every one of
 * them exits and charges costs the same way. Costs per side are the fee plus the slippage.
 */
export function trackerSettings(
  outcomes: EngineConfig['outcomes'],
  policy: OutcomeConfig['policy'] = outcomes.policy,
): OutcomeConfig {
  return {
    split: outcomes.split,
    breakevenAfterTp1: outcomes.breakevenAfterTp1,
    maxHoldingMs: null,
    feePerSide: outcomes.feePerSide + outcomes.slippagePerSide,
    policy,
  };
}

/** How long a signal of `timeframe` may be held after its fill (null: until an exit). */
export function maxHoldingMsOf(outcomes: EngineConfig['outcomes'], timeframe: Timeframe): number | null {
  const n = outcomes.maxHoldingCandles;
  return n === null ? null : n * timeframeMs(timeframe);
}
