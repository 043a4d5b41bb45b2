import type { Outcome } from '../outcomes/types.js';
import type { Signal } from '../signals/types.js';
import type { DeliveryEvent, DestinationKind } from './types.js';

/**
 * Whether a signal may be delivered. Signals of strategy slices that are not validated carry
 * `published: false` (computed, stored and tracked, not sent); a signal without the field was
 * made before that gate existed and counts as published.
 */
export function isPublished(signal: Signal): boolean {
  return (signal as { readonly published?: boolean }).published !== false;
}

/**
 * The delivery event a status change of a sent signal is: the fill and the first two targets
 * have names of their own (the pipeline words them "entry filled at ...", "TP1 hit at ...");
 * the end of a signal is announced by its outcome (`closed`), so a terminal status is not an
 * event here. Any other live change is keyed by its time.
 */
export function updateEvent(signal: Signal): DeliveryEvent | null {
  if (signal.status !== 'PENDING' && signal.status !== 'ACTIVE') return null;
  const reason = signal.statusReason;
  if (reason.startsWith('entry filled')) return 'filled';
  if (reason.startsWith('TP1 hit')) return 'tp1';
  if (reason.startsWith('TP2 hit')) return 'tp2';
  return `update:${signal.statusAt}`;
}

/** The update the stored state of a signal calls for (used to catch up after a restart). */
export function latestEvent(signal: Signal, outcome: Outcome | null): DeliveryEvent | null {
  if (outcome !== null) return 'closed';
  return signal.statusAt > signal.createdAt ? updateEvent(signal) : null;
}

/**
 * The idempotency key of a delivery: the same signal, subscriber, destination and event give
 * the same key, so the outbox holds it once, a restart does not send it twice, and a webhook
 * receiver sees it as `X-AlphaPulse-Delivery` on every retry.
 */
export function deliveryKey(
  signalId: string,
  subscriberId: number,
  destination: DestinationKind,
  event: DeliveryEvent,
): string {
  return `${signalId}/${subscriberId}/${destination}/${event}`;
}

const DAY_MS = 86_400_000;

/** The UTC day (days since the epoch) of a time. */
export function dayOf(time: number): number {
  return Math.floor(time / DAY_MS);
}

/** The delivery cycle of a signal: its creation time in windows of `cycleMs` of market time. */
export function cycleOf(time: number, cycleMs: number): number {
  return Math.floor(time / cycleMs);
}
