import type { AggregatedCandle } from '../candles/candle.js';
import type { Timeframe } from '../candles/timeframe.js';
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

export type PipelineEvent = CandleClosedEvent | SignalCreatedEvent | SignalRejectedEvent | SignalUpdatedEvent;

export type EventSink = (event: PipelineEvent) => void;
