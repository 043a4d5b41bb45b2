import type { Timeframe } from '../candles/timeframe.js';
import type { Outcome } from '../outcomes/types.js';
import type { Direction, Signal } from '../signals/types.js';

/**
 * One labelled candidate for the confidence model (meta-labeling, López de Prado 2018, ch. 3):
 * a signal or a filtered candidate's would-be signal, its features at creation, and what its
 * (real or shadow) outcome became.
 *
 * The label: 1 when the outcome was filled and its `returnPct` (after fees and slippage) is
 * > 0, i.e. the trade closed with a net profit after costs; 0 when it was filled and did not.
 * Unfilled candidates (expired limit entries, cancelled before a fill) traded nothing and are
 * not samples. The model therefore estimates P(net profit after costs | filled).
 */
export interface LabelledSample {
  /** The signal id (the would-be id for a filtered candidate). */
  readonly id: string;
  readonly symbol: string;
  readonly strategy: string;
  readonly timeframe: Timeframe;
  readonly direction: Direction;
  /** A filtered candidate followed as a shadow (true) or a created signal (false). */
  readonly shadow: boolean;
  /** Label start: the close of the candle that made the candidate (ms). */
  readonly createdAt: number;
  /** Label end: when the outcome closed (ms). */
  readonly exitTime: number;
  readonly features: Readonly<Record<string, number>>;
  readonly label: 0 | 1;
  /** Return on the entry notional after costs (a fraction). */
  readonly returnPct: number;
  /** `returnPct` in units of the initial risk: returnPct × entry / |entry − stop|. */
  readonly netR: number;
  /** The old confidence formula's raw product (breakdown.product), kept to compare against. */
  readonly score: number;
}

export interface SampleCounts {
  /** Signals created at or after `from`. */
  readonly created: number;
  /** Filtered candidates at or after `from` that had a would-be signal (prices), hence a shadow. */
  readonly rejectedWithPlan: number;
  /** Filtered candidates without a plan: never a sample. */
  readonly rejectedWithoutPlan: number;
  /** Outcomes closed filled (each one a sample). */
  readonly filled: number;
  /** Outcomes closed without a fill (expired or cancelled before it): not samples. */
  readonly unfilled: number;
}

/** The label of an outcome, or null when it is not a sample (never filled). */
export function labelOf(outcome: Outcome): 0 | 1 | null {
  if (!outcome.filled) return null;
  return outcome.returnPct > 0 ? 1 : 0;
}

/** `returnPct` in R of the initial stop distance; 0 for a degenerate stop. */
export function netRMultiple(signal: Signal, returnPct: number): number {
  const risk = Math.abs(signal.entryPrice - signal.stopLoss);
  return risk > 0 ? (returnPct * signal.entryPrice) / risk : 0;
}
