import type { AggregatedCandle } from '../candles/candle.js';
import type { Timeframe } from '../candles/timeframe.js';
import type { DriftVerdict } from '../learn/drift.js';
import type { SliceChange } from '../learn/slice-states.js';
import type { Outcome } from '../outcomes/types.js';
import type { RejectedCandidate, Signal, SignalStatus } from '../signals/types.js';

export interface CandleClosedEvent {
  readonly type: 'candle.closed';
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly candle: AggregatedCandle;
}

export interface SignalCreatedEvent {
  readonly type: 'signal.created';
  readonly signal: Signal;
}

export interface SignalRejectedEvent {
  readonly type: 'signal.rejected';
  readonly candidate: RejectedCandidate;
}

export interface SignalUpdatedEvent {
  readonly type: 'signal.updated';
  readonly signal: Signal;
  readonly previous: SignalStatus;
}

/**
 * What became of a signal, or (shadow) of a filtered candidate's would-be signal: the
 * OutcomeTracker's result under the configured ambiguity policy.
 */
export interface OutcomeClosedEvent {
  readonly type: 'outcome.closed';
  readonly outcome: Outcome;
  /** The signal, or for a shadow outcome the would-be signal of the rejected candidate. */
  readonly signal: Signal;
  readonly shadow: boolean;
}

/** A strategy slice's publication state changed (its live record, a validation or an operator). */
export interface SliceStateChangedEvent {
  readonly type: 'slice.state_changed';
  readonly change: SliceChange;
}

/**
 * The confidence model in use drifted (its features' distribution or its live calibration): the
 * pipeline fell back to `to` (the previous model, or null for the formula's score) and put the
 * validated slices on probation (their own slice.state_changed events follow).
 */
export interface ModelDriftEvent {
  readonly type: 'model.drift';
  /** Candle time of the check that found it (ms). */
  readonly at: number;
  readonly from: string;
  readonly to: string | null;
  readonly verdict: DriftVerdict;
}

export type PipelineEvent =
  | CandleClosedEvent
  | SignalCreatedEvent
  | SignalRejectedEvent
  | SignalUpdatedEvent
  | OutcomeClosedEvent
  | SliceStateChangedEvent
  | ModelDriftEvent;

export type EventSink = (event: PipelineEvent) => void;
