import { type Timeframe, timeframeMs } from '../candles/timeframe.js';
import { DEFAULT_ENTRY_VALIDITY, durationMs } from '../signals/validity.js';
import type { OutcomesSettings } from './settings-schema.js';
import type { OutcomeConfig } from './types.js';

/**
 * The outcome tracker's settings from the engine's `outcomes` section: one definition for the
 * pipeline's trackers, the backtest's policy replays and the random baseline, so every one of
 * them exits and charges costs the same way. Costs per side are the fee plus the slippage.
 */
export function trackerSettings(
  outcomes: OutcomesSettings,
  policy: OutcomeConfig['policy'] = outcomes.policy,
): OutcomeConfig {
  return {
    split: outcomes.split,
    breakevenAfterTp1: outcomes.breakevenAfterTp1,
    maxHoldingMs: null,
    feePerSide: outcomes.feePerSide + outcomes.slippagePerSide,
    policy,
    precision: outcomes.precision,
  };
}

/**
 * The holding horizon: how long a signal of `timeframe` may be held after its fill (null: until
 * an exit). The signal timeframe's own maxHoldingCandles, else outcomes.maxHoldingCandles.
 */
export function maxHoldingMsOf(
  outcomes: OutcomesSettings,
  timeframe: Timeframe,
  own?: number | null,
): number | null {
  const n = own === undefined ? outcomes.maxHoldingCandles : own;
  return n === null ? null : n * timeframeMs(timeframe);
}

/**
 * The entry validity: how long a pending limit entry of this signal timeframe may wait to fill.
 * entryValidity when given, else expiryCandles candles of the timeframe, else the design's 2 h.
 */
export function entryValidityMsOf(stf: {
  readonly timeframe: Timeframe;
  readonly entryValidity?: string | undefined;
  readonly expiryCandles?: number | undefined;
}): number {
  if (stf.entryValidity !== undefined) return durationMs(stf.entryValidity);
  if (stf.expiryCandles !== undefined) return stf.expiryCandles * timeframeMs(stf.timeframe);
  return durationMs(DEFAULT_ENTRY_VALIDITY);
}

/** A signal's holding horizon: the one it records, else the configured one of its timeframe. */
export function holdingMsOf(
  signal: { readonly timeframe: Timeframe; readonly maxHoldingMs?: number | null },
  outcomes: OutcomesSettings,
): number | null {
  return signal.maxHoldingMs !== undefined ? signal.maxHoldingMs : maxHoldingMsOf(outcomes, signal.timeframe);
}
