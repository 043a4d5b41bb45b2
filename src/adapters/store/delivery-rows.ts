import type { Timeframe } from '../../core/candles/timeframe.js';
import type {
  Channel,
  DeliveryEvent,
  DestinationKind,
  OutboxState,
  Subscription,
} from '../../core/delivery/types.js';
import type { ChannelInput, LedgerRow, OutboxRow } from './delivery-port.js';

/**
 * What the SQLite and PostgreSQL delivery stores share above their SQL: the rows as both
 * databases return them (integers for flags, JSON text for lists) and how they become the
 * port's values.
 */

export interface ChannelRecord {
  id: number;
  slug: string;
  name: string;
  strategies: string;
  symbols: string;
  timeframe: string | null;
  min_confidence: number;
  max_daily_events: number;
  price: number;
  destinations: string;
  active: number;
  created_at: number;
}

export interface SubscriberRecord {
  id: number;
  name: string;
  strategies: string;
  balance: number;
  active: number;
  created_at: number;
}

export interface DestinationRecord {
  subscriber_id: number;
  kind: DestinationKind;
  target: string;
  secret: string | null;
  active: number;
}

export interface SubscriptionRecord {
  subscriber_id: number;
  channel_id: number;
  symbols: string | null;
  timeframe: string | null;
  min_confidence: number | null;
  max_daily_events: number | null;
  destinations: string | null;
  created_at: number;
}

export interface OutboxRecord {
  id: number;
  key: string;
  signal_id: string;
  subscriber_id: number;
  channel_id: number;
  channel_slug: string;
  destination: DestinationKind;
  target: string;
  event: DeliveryEvent;
  parent_id: number | null;
  reservation_id: number | null;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  delivered_at: number | null;
  external_id: string | null;
  last_error: string | null;
}

export interface LedgerRecord {
  id: number;
  subscriber_id: number;
  kind: LedgerRow['kind'];
  amount: number;
  reservation_id: number | null;
  signal_id: string | null;
  note: string;
  created_at: number;
}

export const json = (x: unknown): string => JSON.stringify(x);
export const list = (text: string): string[] => JSON.parse(text) as string[];

export function channelOf(r: ChannelRecord): Channel {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    strategies: list(r.strategies),
    symbols: list(r.symbols),
    timeframe: r.timeframe as Timeframe | null,
    minConfidence: r.min_confidence,
    maxDailyEvents: r.max_daily_events,
    price: r.price,
    destinations: list(r.destinations) as DestinationKind[],
    active: r.active === 1,
    createdAt: r.created_at,
  };
}

export function subscriptionOf(r: SubscriptionRecord): Subscription {
  return {
    subscriberId: r.subscriber_id,
    channelId: r.channel_id,
    symbols: r.symbols === null ? null : list(r.symbols),
    timeframe: r.timeframe as Timeframe | null,
    minConfidence: r.min_confidence,
    maxDailyEvents: r.max_daily_events,
    destinations: r.destinations === null ? null : (list(r.destinations) as DestinationKind[]),
    createdAt: r.created_at,
  };
}

export function outboxOf(r: OutboxRecord): OutboxRow {
  return {
    id: r.id,
    key: r.key,
    signalId: r.signal_id,
    subscriberId: r.subscriber_id,
    channelId: r.channel_id,
    channelSlug: r.channel_slug,
    destination: r.destination,
    target: r.target,
    event: r.event,
    parentId: r.parent_id,
    reservationId: r.reservation_id,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
    externalId: r.external_id,
    lastError: r.last_error,
  };
}

export function ledgerOf(r: LedgerRecord): LedgerRow {
  return {
    id: r.id,
    subscriberId: r.subscriber_id,
    kind: r.kind,
    amount: r.amount,
    reservationId: r.reservation_id,
    signalId: r.signal_id,
    note: r.note,
    createdAt: r.created_at,
  };
}

/** A channel's columns after the slug, in table order. */
export function channelParams(c: ChannelInput): (string | number | null)[] {
  return [
    c.name,
    json(c.strategies),
    json(c.symbols),
    c.timeframe,
    c.minConfidence,
    c.maxDailyEvents,
    c.price,
    json(c.destinations),
    c.active ? 1 : 0,
  ];
}

export const OUTBOX_COLUMNS = `o.id, o.key, o.signal_id, o.subscriber_id, o.channel_id, c.slug AS channel_slug, o.destination,
  o.target, o.event, o.parent_id, o.reservation_id, o.state, o.attempts, o.next_attempt_at, o.created_at,
  o.delivered_at, o.external_id, o.last_error`;
