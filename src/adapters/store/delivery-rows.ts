import type { Timeframe } from '../../core/candles/timeframe.js';
import type { AudienceEntry } from '../../core/delivery/plan.js';
import type {
  Channel,
  DeliveryEvent,
  Destination,
  DestinationKind,
  OutboxState,
  Subscriber,
  Subscription,
} from '../../core/delivery/types.js';
import type { Outcome } from '../../core/outcomes/types.js';
import type { Signal } from '../../core/signals/types.js';
import type {
  Attempt,
  ChannelInput,
  LedgerRow,
  OutboxItem,
  OutboxRow,
  SentSignal,
  SkipRow,
} from './delivery-port.js';
import type { TradeRow } from './ports.js';

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

/** Each subscriber's destinations, from the destination rows (in the order given). */
export function destinationsBySubscriber(rows: readonly DestinationRecord[]): Map<number, Destination[]> {
  const out = new Map<number, Destination[]>();
  for (const r of rows) {
    const l = out.get(r.subscriber_id) ?? [];
    l.push({ kind: r.kind, target: r.target, secret: r.secret, active: r.active === 1 });
    out.set(r.subscriber_id, l);
  }
  return out;
}

export function subscriberOf(
  r: SubscriberRecord,
  destinations: ReadonlyMap<number, Destination[]>,
): Subscriber {
  return {
    id: r.id,
    name: r.name,
    strategies: list(r.strategies),
    balance: r.balance,
    destinations: destinations.get(r.id) ?? [],
    active: r.active === 1,
    createdAt: r.created_at,
  };
}

/** What a subscription already got on a day: signals sent today, and whether one went in the current cycle. */
export interface SentCount {
  readonly subscriberId: number;
  readonly channelId: number;
  readonly today: number;
  readonly inCycle: boolean;
}

/** The audience of a cycle: each subscription of an active channel with its subscriber and what it got so far. */
export function audienceOf(
  subscriptions: readonly SubscriptionRecord[],
  subscribers: ReadonlyMap<number, Subscriber>,
  sent: readonly SentCount[],
): AudienceEntry[] {
  const counts = new Map(sent.map((c) => [`${c.subscriberId}/${c.channelId}`, c]));
  const out: AudienceEntry[] = [];
  for (const r of subscriptions) {
    const subscriber = subscribers.get(r.subscriber_id);
    if (!subscriber) continue;
    const c = counts.get(`${r.subscriber_id}/${r.channel_id}`);
    out.push({
      subscription: subscriptionOf(r),
      subscriber,
      sentToday: c?.today ?? 0,
      sentInCycle: c?.inCycle ?? false,
    });
  }
  return out;
}

/** A signal sent and still open, with its outcome once it has one (JSON bodies). */
export function sentSignalOf(r: { readonly body: string; readonly outcome: string | null }): SentSignal {
  return {
    signal: JSON.parse(r.body) as Signal,
    outcome: r.outcome === null ? null : (JSON.parse(r.outcome) as Outcome),
  };
}

/** A trade of a channel: a sent signal and its filled outcome (JSON bodies). */
export function tradeOf(r: { readonly signal: string; readonly outcome: string }): TradeRow {
  return { signal: JSON.parse(r.signal) as Signal, outcome: JSON.parse(r.outcome) as Outcome };
}

/** An outbox row claimed for sending, with what a relay needs to send it. */
export type ClaimedRecord = OutboxRecord & {
  readonly signal_body: string;
  readonly outcome_body: string | null;
  readonly channel_name: string;
  readonly secret: string | null;
  readonly parent_external_id: string | null;
  readonly parent_state: OutboxState | null;
};

/** The claimed rows as the relays get them (leased, `sending`); each signal body parsed once. */
export function claimedItems(rows: readonly ClaimedRecord[]): OutboxItem[] {
  // one parse per signal: a cycle sends the same signal to many subscribers
  const bodies = new Map<string, Signal>();
  const parsed = (id: string, body: string): Signal => {
    let sig = bodies.get(id);
    if (!sig) {
      sig = JSON.parse(body) as Signal;
      bodies.set(id, sig);
    }
    return sig;
  };
  return rows.map(
    (r): OutboxItem => ({
      ...outboxOf(r),
      state: 'sending',
      signal: parsed(r.signal_id, r.signal_body),
      outcome: r.outcome_body === null ? null : (JSON.parse(r.outcome_body) as Outcome),
      channelName: r.channel_name,
      secret: r.secret,
      parentExternalId: r.parent_external_id,
      parentDead: r.parent_state === 'dead',
    }),
  );
}

export interface AttemptTableRecord {
  readonly outbox_id: number;
  readonly attempt: number;
  readonly started_at: number;
  readonly finished_at: number;
  readonly ok: number;
  readonly status: number | null;
  readonly error: string | null;
}

export function attemptOf(r: AttemptTableRecord): Attempt {
  return {
    outboxId: r.outbox_id,
    attempt: r.attempt,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    ok: r.ok === 1,
    status: r.status,
    error: r.error,
  };
}

export interface SkipRecord {
  readonly signal_id: string;
  readonly subscriber_id: number;
  readonly channel_id: number;
  readonly reason: SkipRow['reason'];
  readonly detail: string;
  readonly created_at: number;
}

export function skipOf(r: SkipRecord): SkipRow {
  return {
    signalId: r.signal_id,
    subscriberId: r.subscriber_id,
    channelId: r.channel_id,
    reason: r.reason,
    detail: r.detail,
    createdAt: r.created_at,
  };
}
