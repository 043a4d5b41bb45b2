import type { BusTopic } from '../bus/event-bus.js';

/** The topics a runtime hands to the event stream: what it announced after storing it. */
export const STREAMED_TOPICS: readonly BusTopic[] = [
  'signal.created',
  'signal.updated',
  'outcome.closed',
  'candle.closed',
  'slice.state_changed',
  'model.drift',
];
