import type { Timeframe } from '../candles/timeframe.js';
import type { Outcome } from '../outcomes/types.js';
import type { RiskPlan } from '../risk/risk-plan.js';
import type {
  Direction,
  RejectionReason,
  Signal,
  SignalStatus,
  StrategyCandidate,
  StrategyName,
} from '../signals/types.js';

/** One signal filter's judgement of a would-be signal: passed, or why not. */
export interface FilterVerdict {
  readonly name: string;
  readonly reason: RejectionReason;
  readonly passed: boolean;
  /** Why it failed, as the rejected candidate records it; null when it passed. */
  readonly detail: string | null;
}

/**
 * What the on-demand evaluation found for one candidate of a strategy:
 * - `created`: the pipeline made this signal already (same id) when the candle closed;
 * - `passes`: every filter passes now, so a run with `publish` creates it;
 * - `rejected`: the risk plan or a filter refuses it (`rejection` is the first refusal, the
 *   reason a filtered candidate is stored with).
 */
export type CandidateVerdict = 'created' | 'passes' | 'rejected';

export interface CandidateEvaluation {
  /** The id the signal has (or would have): the same as the pipeline's for this candle. */
  readonly id: string;
  readonly strategy: StrategyName;
  readonly direction: Direction;
  /** What the strategy proposed: its own strength, reasons and confirmations. */
  readonly candidate: StrategyCandidate;
  /** The risk plan, or null when no valid plan exists (see `rejection`). */
  readonly plan: RiskPlan | null;
  /**
   * The would-be signal (votes and scores in `breakdown`, `health`, `entryAnalysis`, prices) as
   * the filters judged it; null when the risk plan failed.
   */
  readonly signal: Signal | null;
  /** Every filter's verdict, in the configured order (empty when there is no plan to judge). */
  readonly filters: readonly FilterVerdict[];
  readonly verdict: CandidateVerdict;
  /** The first refusal (risk plan or filter), or null. */
  readonly rejection: { readonly reason: RejectionReason; readonly detail: string } | null;
  /** The status now of the signal with this id when it is live (PENDING/ACTIVE), else null. */
  readonly liveStatus: SignalStatus | null;
}

/** The on-demand run of one signal timeframe of one symbol on its latest closed candle. */
export interface Evaluation {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** The evaluated candle of `timeframe`: the latest closed one. */
  readonly candle: {
    readonly openTime: number;
    readonly closeTime: number;
    readonly close: number;
  };
  /** Close time of the symbol's latest base candle: "now" in candle time. */
  readonly asOf: number;
  /**
   * No base candle closed after the evaluated candle: what is evaluated is what the pipeline
   * saw when it closed. Only then can a run publish (a later one would backdate its signals).
   */
  readonly fresh: boolean;
  readonly candidates: readonly CandidateEvaluation[];
  /** Signals this run created (only with publish), in creation order. */
  readonly created: readonly Signal[];
}

export type EvaluationErrorCode = 'not_signal_timeframe' | 'unknown_symbol' | 'no_closed_candle' | 'stale';

/** Why an on-demand run cannot be done; the message names the symbol, timeframe or times. */
export class EvaluationError extends Error {
  constructor(
    readonly code: EvaluationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EvaluationError';
  }
}

/**
 * What an operator's close or cancel did: the signal as it is now and its outcome (its events
 * went to the sink), or why it could not be done
 * (`not_live`: the pipeline follows no live signal with that id; `wrong_status`: it is live with
 * another status than the action needs).
 */
export type SignalControlResult =
  | { readonly ok: true; readonly signal: Signal; readonly outcome: Outcome }
  | { readonly ok: false; readonly code: 'not_live' }
  | { readonly ok: false; readonly code: 'wrong_status'; readonly status: SignalStatus };
