import type { AggregatedCandle, Candle } from '../../core/candles/candle.js';
import type { Timeframe } from '../../core/candles/timeframe.js';
import type { Outcome } from '../../core/outcomes/types.js';
import type { Signal, SignalStatus } from '../../core/signals/types.js';

/** The typed events the live runtime publishes after they are stored. */
export interface BusEvents {
  'signal.created': { readonly signal: Signal };
  'signal.updated': { readonly signal: Signal; readonly previous: SignalStatus };
  'outcome.closed': { readonly outcome: Outcome; readonly signal: Signal };
  /** Every closed candle: the base timeframe and each aggregated one. */
  'candle.closed': {
    readonly symbol: string;
    readonly timeframe: Timeframe;
    readonly candle: Candle | AggregatedCandle;
  };
  /** The runtime's status changed (source state, symbols). */
  status: { readonly reason: string };
}

export type BusTopic = keyof BusEvents;
export type BusListener<K extends BusTopic> = (payload: BusEvents[K]) => void;

/**
 * In-process publish/subscribe with typed topics. Listeners run synchronously in subscription
 * order; one that throws is reported to `onError` and does not stop the others.
 */
export class EventBus {
  private readonly listeners = new Map<BusTopic, Set<(p: unknown) => void>>();

  constructor(private readonly onError: (topic: BusTopic, error: unknown) => void = () => {}) {}

  on<K extends BusTopic>(topic: K, listener: BusListener<K>): () => void {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
    }
    const l = listener as (p: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }

  publish<K extends BusTopic>(topic: K, payload: BusEvents[K]): void {
    const set = this.listeners.get(topic);
    if (!set) return;
    for (const l of set) {
      try {
        l(payload);
      } catch (e) {
        this.onError(topic, e);
      }
    }
  }

  listenerCount(topic: BusTopic): number {
    return this.listeners.get(topic)?.size ?? 0;
  }
}
