import { createHash } from 'node:crypto';
import type { BusEvent } from './event-bus.js';

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

/**
 * Sends the events a runtime announced to the other processes. `publish` never waits and never
 * throws: events are kept in order and handed over once the transport takes them, so a
 * transport that is away for a while loses none.
 */
export interface EventPublisher {
  publish(event: BusEvent): void;
  health(): TransportHealth;
  /** Resolves once every event published so far has been accepted (or the publisher closed). */
  drained(): Promise<void>;
  close(): Promise<void>;
}

/** Receives the events other processes published, each once, in the order they were published. */
export interface EventConsumer {
  start(onEvent: (event: BusEvent) => void): Promise<void>;
  health(): TransportHealth;
  close(): Promise<void>;
}

/** Events that cross process boundaries; `status` is each process's own. */
export function crossesProcesses(event: BusEvent): boolean {
  return event.type !== 'status';
}

/**
 * A key naming the event itself, the same in every process and every run (the pipeline is
 * deterministic): a publisher offering it twice, after a retry or a shard takeover, is recognised.
 * `processingMs` is stamped from the wall clock at the edge, so it is left out.
 */
export function eventKey(event: BusEvent): string {
  switch (event.type) {
    case 'signal.created':
      return `created:${event.signal.id}`;
    case 'candle.closed':
      return `candle:${event.symbol}:${event.timeframe}:${event.candle.openTime}`;
    case 'signal.updated':
    case 'outcome.closed': {
      const { processingMs: _ignored, ...signal } = event.signal;
      return `${event.type === 'signal.updated' ? 'updated' : 'outcome'}:${event.signal.id}:${digest({ ...event, signal })}`;
    }
    default:
      return `${event.type}:${digest(event)}`;
  }
}

function digest(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('base64url');
}
