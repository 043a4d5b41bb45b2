import type { Candle } from '../../core/candles/candle.js';
import type { Timeframe } from '../../core/candles/timeframe.js';
import type {
  CandleClosedEvent,
  ModelDriftEvent,
  OutcomeClosedEvent,
  SignalCreatedEvent,
  SignalUpdatedEvent,
  SliceStateChangedEvent,
} from '../../core/pipeline/events.js';

/**
 * A closed candle of the base timeframe, as the source delivered it. The pipeline announces the
 * timeframes it aggregates (`CandleClosedEvent`); the runtime that feeds it announces the base one.
 */
export interface BaseCandleClosedEvent {
  readonly type: 'candle.closed';
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly candle: Candle;
}

/** The runtime's status changed (source state, symbols). */
export interface StatusEvent {
  readonly type: 'status';
  readonly reason: string;
}

/**
 * The bus's topics and the event each carries: the pipeline's own events, which the live runtime
 * publishes after they are stored, and the runtime's status. Filtered candidates and shadow
 * outcomes are stored for the track record but not published.
 */
export interface BusEvents {
  'signal.created': SignalCreatedEvent;
  'signal.updated': SignalUpdatedEvent;
  /** Outcomes of signals that were sent (never shadow ones). */
  'outcome.closed': OutcomeClosedEvent;
  /** Every closed candle: the base timeframe and each aggregated one. */
  'candle.closed': CandleClosedEvent | BaseCandleClosedEvent;
  /** A strategy slice's publication state changed. */
  'slice.state_changed': SliceStateChangedEvent;
  /** The confidence model drifted; the pipeline fell back (see core/pipeline/events.ts). */
  'model.drift': ModelDriftEvent;
  status: StatusEvent;
}

export type BusTopic = keyof BusEvents;
/** Any event the bus carries; its `type` is its topic. */
export type BusEvent = BusEvents[BusTopic];
export type BusListener<K extends BusTopic> = (event: BusEvents[K]) => void;

/**
 * In-process publish/subscribe with typed topics. Listeners run synchronously in subscription
 * order; one that throws is reported to `onError` and does not stop the others.
 */
export class EventBus {
  private readonly listeners = new Map<BusTopic, Set<(e: BusEvent) => void>>();

  constructor(private readonly onError: (topic: BusTopic, error: unknown) => void = () => {}) {}

  on<K extends BusTopic>(topic: K, listener: BusListener<K>): () => void {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
    }
    // stored under its topic, so it is only ever called with that topic's events
    const l = listener as (e: BusEvent) => void;
    set.add(l);
    return () => set.delete(l);
  }

  /** Delivers `event` to the listeners of its topic, `event.type`. */
  publish(event: BusEvent): void {
    const set = this.listeners.get(event.type);
    if (!set) return;
    for (const l of set) {
      try {
        l(event);
      } catch (e) {
        this.onError(event.type, e);
      }
    }
  }

  listenerCount(topic: BusTopic): number {
    return this.listeners.get(topic)?.size ?? 0;
  }
}
