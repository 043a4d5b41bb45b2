/**
 * The port of a transport that carries events between processes (e.g. the Redis stream of
 * ./redis-stream-publisher.ts and ./redis-stream-consumer.ts). It is generic over the event
 * type: the runtime supplies its events and how to name them (`TransportedEvents`) when it wires
 * a transport, so the adapters here know nothing of the runtime's bus.
 */

/** How a transport between processes is doing, for /ready and /api/v1/status. */
export interface TransportHealth {
  /** `memory` (one process) or `redis-stream`. */
  readonly kind: string;
  /** The transport can take and deliver events now. */
  readonly ok: boolean;
  readonly detail: string;
  /** Events handed to `publish` and not yet accepted by the transport. */
  readonly pending: number;
  /** Events accepted by the transport (published) or delivered (consumed) since start. */
  readonly events: number;
  /** Events offered again that the dedup keys recognised and dropped. */
  readonly duplicates: number;
}

/** What a publisher needs to know of the events it carries. */
export interface TransportedEvents<E> {
  /** Whether the event goes to the other processes (some are each process's own). */
  crosses(event: E): boolean;
  /**
   * A key naming the event itself, the same in every process and every run: an event offered
   * twice (a retry, a shard taken over) is recognised by it.
   */
  key(event: E): string;
}

/**
 * Sends the events a runtime announced to the other processes. `publish` never waits and never
 * throws: events are kept in order and handed over once the transport takes them, so a
 * transport that is away for a while loses none.
 */
export interface EventPublisher<E> {
  publish(event: E): void;
  health(): TransportHealth;
  /** Resolves once every event published so far has been accepted (or the publisher closed). */
  drained(): Promise<void>;
  close(): Promise<void>;
}

/** Receives the events other processes published, each once, in the order they were published. */
export interface EventConsumer<E> {
  start(onEvent: (event: E) => void): Promise<void>;
  health(): TransportHealth;
  close(): Promise<void>;
}
