import type { LedgerEntry } from '../../core/delivery/ledger.js';
import type { AudienceEntry, PlannedDelivery, PlannedSkip } from '../../core/delivery/plan.js';
import type {
  Channel,
  DeliveryEvent,
  Destination,
  DestinationKind,
  OutboxState,
  SkipReason,
  Subscriber,
  Subscription,
} from '../../core/delivery/types.js';
import type { Outcome } from '../../core/outcomes/types.js';
import type { Signal } from '../../core/signals/types.js';

/** A strategy family sold as a product: owning it opens the channels that require it. */
export interface StrategyProduct {
  readonly strategy: string;
  readonly name: string;
  readonly description: string;
  readonly createdAt: number;
}

export type ChannelInput = Omit<Channel, 'id' | 'createdAt'>;
export type ChannelPatch = Partial<Omit<ChannelInput, 'slug'>>;

export interface SubscriberInput {
  readonly name: string;
  readonly strategies: readonly string[];
  readonly destinations: readonly Destination[];
  /** SHA-256 (hex) of the subscriber's API key; the key itself is never stored. */
  readonly apiKeyHash: string | null;
  /** One-time code that links a Telegram chat to this subscriber (`/start <code>`). */
  readonly linkCode: string | null;
}

export interface SubscriberPatch {
  readonly name?: string;
  readonly strategies?: readonly string[];
  /** Replaces the whole list. */
  readonly destinations?: readonly Destination[];
  readonly active?: boolean;
}

export type SubscriptionInput = Omit<Subscription, 'createdAt'>;

/** One cycle's decisions, written in one transaction. */
export interface CycleCommit {
  readonly cycle: number;
  readonly day: number;
  /** Every signal of the batch, delivered or not: a restart does not consider them again. */
  readonly signalIds: readonly string[];
  readonly deliveries: readonly PlannedDelivery[];
  readonly skips: readonly PlannedSkip[];
  readonly now: number;
}

export interface CycleResult {
  /** Outbox rows written (one per delivery and destination). */
  readonly enqueued: number;
  /** Deliveries that found their rows written already (a replay of a committed cycle). */
  readonly duplicates: number;
  /** Planned deliveries the ledger refused (the balance changed since the plan). */
  readonly refused: number;
}

/** One row of the outbox as an operator or a subscriber sees it. */
export interface OutboxRow {
  readonly id: number;
  readonly key: string;
  readonly signalId: string;
  readonly subscriberId: number;
  readonly channelId: number;
  readonly channelSlug: string;
  readonly destination: DestinationKind;
  readonly target: string;
  readonly event: DeliveryEvent;
  readonly parentId: number | null;
  readonly reservationId: number | null;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly createdAt: number;
  readonly deliveredAt: number | null;
  readonly externalId: string | null;
  readonly lastError: string | null;
}

/** A row claimed for sending, with everything the relay needs. */
export interface OutboxItem extends OutboxRow {
  readonly signal: Signal;
  readonly outcome: Outcome | null;
  readonly channelName: string;
  readonly secret: string | null;
  /** The original message's id at the destination (Telegram message_id), to thread an update to. */
  readonly parentExternalId: string | null;
  /** The original delivery was dead-lettered: an update of it has nothing to follow. */
  readonly parentDead: boolean;
}

export interface AttemptRecord {
  readonly outboxId: number;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly ok: boolean;
  /** HTTP status or Telegram error code, when there was one. */
  readonly status: number | null;
  readonly error: string | null;
}

export interface Attempt extends AttemptRecord {
  readonly attempt: number;
}

export interface OutboxFilter {
  readonly state?: OutboxState;
  readonly subscriberId?: number;
  readonly signalId?: string;
  /** Rows with a smaller id (keyset paging, newest first). */
  readonly beforeId?: number;
  readonly limit: number;
}

export type OutboxCounts = Readonly<Record<OutboxState, number>>;

export interface SkipRow {
  readonly signalId: string;
  readonly subscriberId: number;
  readonly channelId: number;
  readonly reason: SkipReason;
  readonly detail: string;
  readonly createdAt: number;
}

/** A signal delivered to a subscriber, with where it went and what became of it. */
export interface DeliveryHistoryItem {
  readonly signal: Signal;
  readonly outcome: Outcome | null;
  readonly channelSlug: string;
  readonly deliveredAt: number | null;
  readonly destinations: readonly { kind: DestinationKind; state: OutboxState }[];
  readonly acked: boolean;
}

export interface LedgerFilter {
  readonly subscriberId?: number;
  readonly beforeId?: number;
  readonly limit: number;
}

export interface LedgerRow extends LedgerEntry {
  readonly signalId: string | null;
  readonly note: string;
}

/** Stored signals of delivered deliveries, for the update catch-up after a restart. */
export interface SentSignal {
  readonly signal: Signal;
  readonly outcome: Outcome | null;
}

/**
 * The port every delivery store implements (SQLite by default; PostgreSQL beside it): the
 * model (products, channels, subscribers with destinations, subscriptions), the credit ledger,
 * the outbox with its attempts, skips and acknowledgements. Asynchronous like the other ports.
 *
 * Guarantees the engine rests on:
 * - `commitCycle` reserves credits and writes outbox rows in one transaction; the balance never
 *   goes below zero (a reservation the balance does not cover is refused, not written);
 * - an outbox row's key is unique: the same delivery is never written twice;
 * - a reservation is settled once: charged on the first delivered row, released when its last
 *   row is dead-lettered without any delivered.
 */
export interface DeliveryStore {
  upsertProduct(p: Omit<StrategyProduct, 'createdAt'>, now: number): Promise<StrategyProduct>;
  listProducts(): Promise<StrategyProduct[]>;

  createChannel(c: ChannelInput, now: number): Promise<Channel>;
  updateChannel(slug: string, patch: ChannelPatch): Promise<Channel | null>;
  getChannel(slug: string): Promise<Channel | null>;
  listChannels(): Promise<Channel[]>;

  createSubscriber(s: SubscriberInput, now: number): Promise<Subscriber>;
  updateSubscriber(id: number, patch: SubscriberPatch): Promise<Subscriber | null>;
  getSubscriber(id: number): Promise<Subscriber | null>;
  listSubscribers(): Promise<Subscriber[]>;
  subscriberByKeyHash(hash: string): Promise<Subscriber | null>;
  subscriberByTelegramChat(chatId: string): Promise<Subscriber | null>;
  /** Links the chat to the subscriber whose link code this is; the code is used up. */
  linkTelegramChat(code: string, chatId: string): Promise<Subscriber | null>;
  setApiKeyHash(id: number, hash: string): Promise<boolean>;
  /** Marks every destination of this kind and target inactive (a chat that blocked the bot). */
  deactivateDestination(kind: DestinationKind, target: string, reason: string): Promise<number>;

  subscribe(s: SubscriptionInput, now: number): Promise<Subscription>;
  unsubscribe(subscriberId: number, channelId: number): Promise<boolean>;
  listSubscriptions(filter: { subscriberId?: number; channelId?: number }): Promise<Subscription[]>;

  topUp(subscriberId: number, amount: number, note: string, now: number): Promise<LedgerRow>;
  ledger(filter: LedgerFilter): Promise<LedgerRow[]>;

  getState(key: string): Promise<string | null>;
  setState(key: string, value: string): Promise<void>;
  /** Creation time of the newest stored signal (null: none). */
  latestSignalTime(): Promise<number | null>;
  /** Stored signals created after `since` that no cycle has considered yet, oldest first. */
  unconsideredSignals(since: number, limit: number): Promise<Signal[]>;
  /** Every active subscription of an active channel, with its counts for `day` and `cycle`. */
  audience(day: number, cycle: number): Promise<AudienceEntry[]>;
  /** Per subscriber, which of these signals they were already sent. */
  alreadySent(signalIds: readonly string[]): Promise<Map<number, Set<string>>>;
  commitCycle(c: CycleCommit): Promise<CycleResult>;
  /** One update row per non-dead signal row of the signal (free, threaded to it); returns how many were new. */
  enqueueUpdate(signalId: string, event: DeliveryEvent, now: number): Promise<number>;
  /** Signals with sent deliveries whose story may not be told yet (no `closed` update written). */
  openSentSignals(): Promise<SentSignal[]>;

  /**
   * Takes up to `limit` rows that are due (pending or retrying with `nextAttemptAt <= now`, or
   * sending with an expired lease: a relay that died mid-send), marks them sending until
   * `now + leaseMs`, and returns them.
   */
  claimDue(
    now: number,
    limit: number,
    leaseMs: number,
    kinds: readonly DestinationKind[],
  ): Promise<OutboxItem[]>;
  /** Moves the lease of rows still being sent to `until` (a slow send is not taken as a dead one). */
  extendLeases(ids: readonly number[], until: number): Promise<void>;
  /** When the next row falls due (null: none waiting). */
  nextDueAt(kinds: readonly DestinationKind[]): Promise<number | null>;
  /** Makes a subscriber's waiting rows of one kind due now (a WebSocket subscriber just connected). */
  expedite(subscriberId: number, kind: DestinationKind, now: number): Promise<number>;
  markDelivered(a: AttemptRecord, externalId: string | null): Promise<void>;
  /** A failed attempt; `retryAt` null: dead-letter it (and release its reservation when nothing else can deliver it). */
  markFailed(a: AttemptRecord, retryAt: number | null): Promise<void>;

  outbox(filter: OutboxFilter): Promise<OutboxRow[]>;
  outboxCounts(): Promise<OutboxCounts>;
  attempts(outboxId: number): Promise<Attempt[]>;
  skips(filter: { subscriberId?: number; signalId?: string; limit: number }): Promise<SkipRow[]>;
  history(subscriberId: number, limit: number, beforeCreatedAt?: number): Promise<DeliveryHistoryItem[]>;
  /** Acknowledges the delivery whose Telegram message this is; false when none matches. */
  ackTelegram(chatId: string, messageId: string, now: number): Promise<boolean>;
  ack(outboxId: number, subscriberId: number, via: string, now: number): Promise<boolean>;
  /** Filled outcomes of signals delivered through the channel: its track record's trades. */
  channelTrades(channelId: number): Promise<TradeRow[]>;
}

/** A request the store refuses for the data's sake: declared in store-errors.ts, re-exported here. */
export { DeliveryStoreError } from './store-errors.js';

/**
 * A real (not shadow) outcome that was filled, with its signal: one trade of the track record.
 * Declared here, beside the channel records that use it, and re-exported by ports.ts with the
 * rest of this file, so that the two port files do not import each other.
 */
export interface TradeRow {
  readonly signal: Signal;
  readonly outcome: Outcome;
}
