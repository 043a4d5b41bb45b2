import { createHash } from 'node:crypto';
import type { TransportedEvents } from '../../adapters/bus/event-transport.js';
import type { BusEvent } from './event-bus.js';

/**
 * The bus's events on a transport between processes (its port: adapters/bus/event-transport.ts):
 * which cross, and the key each is recognised by when offered twice.
 */

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

/** What a transport needs to know of the bus's events; the runtime hands it over when wiring one. */
export const BUS_EVENTS: TransportedEvents<BusEvent> = { crosses: crossesProcesses, key: eventKey };
