import type { Timeframe } from '../candles/timeframe.js';
import type { StrategyName } from '../signals/types.js';

/**
 * The delivery model: channels gated by strategy products, subscribers who own strategies and
 * hold credits, subscriptions with per-subscriber overrides. Plain data; the store keeps it,
 * the planner (plan.ts) decides from it.
 */

/** Where a delivery goes. `webhook` is our JSON format; `discord` and `slack` are their webhook formats. */
export type DestinationKind = 'telegram' | 'webhook' | 'discord' | 'slack' | 'websocket';
export const DESTINATION_KINDS: readonly DestinationKind[] = [
  'telegram',
  'webhook',
  'discord',
  'slack',
  'websocket',
];

export interface Destination {
  readonly kind: DestinationKind;
  /** Telegram chat id, or the webhook URL; empty for `websocket`. */
  readonly target: string;
  /** `webhook`: the HMAC secret the payload is signed with; null for the others. */
  readonly secret: string | null;
  /** False once the destination refused us for good (a Telegram chat that blocked the bot). */
  readonly active: boolean;
}

export interface Channel {
  readonly id: number;
  readonly slug: string;
  readonly name: string;
  /** The strategies whose signals the channel carries; a subscriber must own every one of them. */
  readonly strategies: readonly StrategyName[];
  /** Symbols it carries; empty: every symbol. */
  readonly symbols: readonly string[];
  /** The signal timeframe it carries; null: every timeframe. */
  readonly timeframe: Timeframe | null;
  readonly minConfidence: number;
  /** At most this many signals per subscriber per UTC day (of signal time). */
  readonly maxDailyEvents: number;
  /** Credits per delivered signal (an integer; outcome updates are free). */
  readonly price: number;
  /** Destinations used for a subscriber who has not chosen any. */
  readonly destinations: readonly DestinationKind[];
  readonly active: boolean;
  readonly createdAt: number;
}

export interface Subscriber {
  readonly id: number;
  readonly name: string;
  readonly strategies: readonly StrategyName[];
  /** Credits: the sum of the ledger (reserved credits already taken off). Never negative. */
  readonly balance: number;
  readonly destinations: readonly Destination[];
  readonly active: boolean;
  readonly createdAt: number;
}

/** A subscriber's choices for one channel; each null field keeps the channel's rule. */
export interface Subscription {
  readonly subscriberId: number;
  readonly channelId: number;
  readonly symbols: readonly string[] | null;
  readonly timeframe: Timeframe | null;
  readonly minConfidence: number | null;
  readonly maxDailyEvents: number | null;
  readonly destinations: readonly DestinationKind[] | null;
  readonly createdAt: number;
}

/** What a delivery is about: the signal itself (charged) or an update of it (free). */
export type DeliveryEvent = 'signal' | 'filled' | 'tp1' | 'tp2' | 'closed' | `update:${number}`;

export type SkipReason =
  | 'missing_strategy'
  | 'no_credits'
  | 'daily_cap'
  | 'no_destination'
  | 'already_sent'
  | 'subscriber_inactive';

export type OutboxState = 'pending' | 'retrying' | 'sending' | 'delivered' | 'dead';

export type LedgerKind = 'topup' | 'reserve' | 'charge' | 'release' | 'adjust';
