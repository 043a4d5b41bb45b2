import { TIMEFRAMES } from '../../core/candles/timeframe.js';
import { DESTINATION_KINDS } from '../../core/delivery/types.js';
import {
  arrayOf,
  bool,
  enumOf,
  int,
  type JsonSchema,
  nullableInt,
  nullableNum,
  nullableStr,
  nullableTime,
  num,
  object,
  ref,
  str,
  time,
} from './common.js';

/** JSON schemas of the delivery routes (channels, subscribers, subscriptions, outbox, ledger). */

const strings = arrayOf(str);
const kinds = arrayOf(enumOf(DESTINATION_KINDS));
const OUTBOX_STATES = ['pending', 'retrying', 'sending', 'delivered', 'dead'] as const;
const LEDGER_KINDS = ['topup', 'reserve', 'charge', 'release', 'adjust'] as const;
const SKIP_REASONS = [
  'missing_strategy',
  'no_credits',
  'daily_cap',
  'no_destination',
  'already_sent',
  'subscriber_inactive',
];

export const ProductSchema: JsonSchema = {
  $id: 'StrategyProduct',
  ...object({ strategy: str, name: str, description: str, createdAt: time }),
};

export const ChannelSchema: JsonSchema = {
  $id: 'Channel',
  ...object({
    id: int,
    slug: str,
    name: str,
    strategies: { ...strings, description: 'Strategies it carries; a subscriber must own every one' },
    symbols: { ...strings, description: 'Symbols it carries; empty: all' },
    timeframe: { type: ['string', 'null'], description: 'Signal timeframe it carries; null: all' },
    minConfidence: num,
    maxDailyEvents: { type: 'integer', description: 'Signals per subscriber per UTC day (max_daily_events)' },
    price: { type: 'integer', description: 'Credits per delivered signal' },
    destinations: {
      ...kinds,
      description: 'Destinations used when a subscriber chose none; empty: all of theirs',
    },
    active: bool,
    createdAt: time,
  }),
};

export const DestinationSchema: JsonSchema = object({
  kind: enumOf(DESTINATION_KINDS),
  target: { type: 'string', description: 'Telegram chat id or URL; empty for websocket' },
  secret: { type: ['string', 'null'], description: 'webhook: the HMAC secret its payloads are signed with' },
  active: bool,
});

export const SubscriberSchema: JsonSchema = {
  $id: 'Subscriber',
  ...object({
    id: int,
    name: str,
    strategies: strings,
    balance: {
      type: 'integer',
      description: 'Credits: the sum of the ledger, reservations already taken off',
    },
    destinations: arrayOf(DestinationSchema),
    active: bool,
    createdAt: time,
  }),
};

export const NewSubscriberSchema: JsonSchema = object({
  subscriber: ref('Subscriber'),
  apiKey: { type: 'string', description: 'The subscriber API key; shown this once, only its hash is stored' },
  linkCode: { type: 'string', description: 'Send /start <code> to the bot to link a Telegram chat' },
});

export const SubscriptionSchema: JsonSchema = {
  $id: 'Subscription',
  ...object({
    subscriberId: int,
    channelId: int,
    channel: str,
    symbols: { type: ['array', 'null'], items: str },
    timeframe: nullableStr,
    minConfidence: nullableNum,
    maxDailyEvents: nullableInt,
    destinations: { type: ['array', 'null'], items: enumOf(DESTINATION_KINDS) },
    createdAt: time,
    entitled: { type: 'boolean', description: 'The subscriber owns every strategy the channel requires' },
    missingStrategies: strings,
  }),
};

export const OutboxRowSchema: JsonSchema = {
  $id: 'OutboxRow',
  ...object({
    id: int,
    key: {
      type: 'string',
      description: 'Idempotency key: signal/subscriber/destination/event (X-AlphaPulse-Delivery)',
    },
    signalId: str,
    subscriberId: int,
    channelId: int,
    channelSlug: str,
    destination: enumOf(DESTINATION_KINDS),
    target: str,
    event: str,
    parentId: nullableInt,
    reservationId: nullableInt,
    state: enumOf(OUTBOX_STATES),
    attempts: int,
    nextAttemptAt: time,
    createdAt: time,
    deliveredAt: nullableTime,
    externalId: nullableStr,
    lastError: nullableStr,
  }),
};

export const AttemptSchema: JsonSchema = object({
  outboxId: int,
  attempt: int,
  startedAt: time,
  finishedAt: time,
  ok: bool,
  status: nullableInt,
  error: nullableStr,
});

export const OutboxCountsSchema: JsonSchema = object(Object.fromEntries(OUTBOX_STATES.map((s) => [s, int])));

export const LedgerRowSchema: JsonSchema = {
  $id: 'LedgerRow',
  ...object({
    id: int,
    subscriberId: int,
    kind: enumOf(LEDGER_KINDS),
    amount: { type: 'integer', description: '+ top-up and release, − reservation, 0 charge' },
    reservationId: nullableInt,
    signalId: nullableStr,
    note: str,
    createdAt: time,
  }),
};

export const SkipSchema: JsonSchema = object({
  signalId: str,
  subscriberId: int,
  channelId: int,
  reason: enumOf(SKIP_REASONS),
  detail: str,
  createdAt: time,
});

const OutcomeBrief = {
  anyOf: [
    object({
      type: str,
      filled: bool,
      rMultiple: nullableNum,
      returnPct: nullableNum,
      exitTime: nullableTime,
      reason: str,
    }),
    { type: 'null' },
  ],
};

export const HistoryItemSchema: JsonSchema = object({
  signal: ref('Signal'),
  outcome: OutcomeBrief,
  channel: str,
  deliveredAt: nullableTime,
  destinations: arrayOf(object({ kind: enumOf(DESTINATION_KINDS), state: enumOf(OUTBOX_STATES) })),
  acked: bool,
});

export const ChannelRecordSchema: JsonSchema = object({
  channel: str,
  trades: int,
  minTrades: int,
  reliable: { type: 'boolean', description: 'It rests on at least minTrades trades' },
  winRate: nullableNum,
  expectancyR: { type: ['number', 'null'], description: 'Mean net R per trade (after costs)' },
  profitFactor: nullableNum,
  totalReturnPct: nullableNum,
});

export const deliverySchemas: readonly JsonSchema[] = [
  ProductSchema,
  ChannelSchema,
  SubscriberSchema,
  SubscriptionSchema,
  OutboxRowSchema,
  LedgerRowSchema,
];

export const timeframeEnum = enumOf(TIMEFRAMES);
