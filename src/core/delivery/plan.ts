import type { Signal } from '../signals/types.js';
import type { Channel, Destination, DestinationKind, SkipReason, Subscriber, Subscription } from './types.js';

/**
 * Who gets what in one delivery cycle: pure decisions over the cycle's published signals and
 * the subscriptions as the store holds them. The runtime writes the result (reservations,
 * outbox rows, skips) in one transaction.
 *
 * Per channel and subscriber: the subscriber's effective rules (the channel's, narrowed by their
 * overrides) pick the highest-confidence matching signal of the cycle, at most one per cycle;
 * then entitlement (owns every strategy the channel requires), the daily cap, a destination
 * and the credits decide whether it goes. Credits are counted down across the cycle, so a
 * subscriber whose balance runs out in the middle of a cycle gets what it still covers.
 */

/** A subscription with what the store knows of its recent deliveries. */
export interface AudienceEntry {
  readonly subscription: Subscription;
  readonly subscriber: Subscriber;
  /** Signals this subscription received on the cycle's day (UTC, signal time). */
  readonly sentToday: number;
  /** It received a signal in this cycle already (an earlier batch of the same cycle). */
  readonly sentInCycle: boolean;
}

export interface CycleInput {
  readonly signals: readonly Signal[];
  readonly channels: readonly Channel[];
  readonly audience: readonly AudienceEntry[];
  /** Signal ids of the batch each subscriber has already been sent (through any channel). */
  readonly alreadySent: ReadonlyMap<number, ReadonlySet<string>>;
  /** Destination kinds that can be sent to now (the Telegram bot may be off). */
  readonly available: ReadonlySet<DestinationKind>;
}

export interface PlannedDelivery {
  readonly signal: Signal;
  readonly subscriberId: number;
  readonly channelId: number;
  readonly price: number;
  readonly destinations: readonly Destination[];
}

export interface PlannedSkip {
  readonly signalId: string;
  readonly subscriberId: number;
  readonly channelId: number;
  readonly reason: SkipReason;
  readonly detail: string;
}

export interface CyclePlan {
  readonly deliveries: readonly PlannedDelivery[];
  readonly skips: readonly PlannedSkip[];
}

/** A channel's rules narrowed by one subscription. */
export interface EffectiveRules {
  readonly strategies: ReadonlySet<string>;
  readonly symbols: ReadonlySet<string> | null;
  readonly timeframe: string | null;
  readonly minConfidence: number;
  readonly maxDailyEvents: number;
  readonly destinations: readonly DestinationKind[];
}

export function effectiveRules(channel: Channel, sub: Subscription | null): EffectiveRules {
  const symbols = sub?.symbols ?? channel.symbols;
  return {
    strategies: new Set(channel.strategies),
    symbols: symbols.length > 0 ? new Set(symbols) : null,
    timeframe: sub?.timeframe ?? channel.timeframe,
    minConfidence: Math.max(channel.minConfidence, sub?.minConfidence ?? 0),
    maxDailyEvents: Math.min(channel.maxDailyEvents, sub?.maxDailyEvents ?? Number.POSITIVE_INFINITY),
    destinations: sub?.destinations ?? channel.destinations,
  };
}

export function matchesRules(rules: EffectiveRules, s: Signal): boolean {
  if (!rules.strategies.has(s.strategy)) return false;
  if (rules.symbols !== null && !rules.symbols.has(s.symbol)) return false;
  if (rules.timeframe !== null && rules.timeframe !== s.timeframe) return false;
  return s.confidence >= rules.minConfidence;
}

/** The strategies of `channel` the subscriber does not own, in the channel's order. */
export function missingStrategies(channel: Channel, subscriber: Pick<Subscriber, 'strategies'>): string[] {
  const owned = new Set(subscriber.strategies);
  return channel.strategies.filter((s) => !owned.has(s));
}

/** Higher confidence first; equal confidence: the smaller id, so the choice never depends on arrival order. */
function better(a: Signal, b: Signal): boolean {
  return a.confidence > b.confidence || (a.confidence === b.confidence && a.id < b.id);
}

/**
 * The destinations a delivery goes to: the rules' kinds (all of the subscriber's when the list
 * is empty) among the subscriber's active destinations that can be sent to now.
 */
export function chooseDestinations(
  rules: EffectiveRules,
  subscriber: Subscriber,
  available: ReadonlySet<DestinationKind>,
): Destination[] {
  const wanted = rules.destinations.length > 0 ? new Set(rules.destinations) : null;
  return subscriber.destinations.filter(
    (d) => d.active && available.has(d.kind) && (wanted === null || wanted.has(d.kind)),
  );
}

export function planCycle(input: CycleInput): CyclePlan {
  const deliveries: PlannedDelivery[] = [];
  const skips: PlannedSkip[] = [];
  const balances = new Map<number, number>();
  const sent = new Map<number, Set<string>>();
  const byChannel = new Map<number, AudienceEntry[]>();
  for (const entry of input.audience) {
    const list = byChannel.get(entry.subscription.channelId) ?? [];
    list.push(entry);
    byChannel.set(entry.subscription.channelId, list);
    balances.set(entry.subscriber.id, entry.subscriber.balance);
  }
  const channels = [...input.channels].filter((c) => c.active).sort((a, b) => (a.slug < b.slug ? -1 : 1));
  for (const channel of channels) {
    const entries = (byChannel.get(channel.id) ?? []).sort((a, b) => a.subscriber.id - b.subscriber.id);
    for (const entry of entries) {
      if (entry.sentInCycle) continue;
      const { subscriber, subscription } = entry;
      const rules = effectiveRules(channel, subscription);
      let pick: Signal | null = null;
      for (const s of input.signals)
        if (matchesRules(rules, s) && (pick === null || better(s, pick))) pick = s;
      if (pick === null) continue;
      const skip = (reason: SkipReason, detail: string) =>
        skips.push({ signalId: pick.id, subscriberId: subscriber.id, channelId: channel.id, reason, detail });
      if (!subscriber.active) {
        skip('subscriber_inactive', 'the subscriber is deactivated');
        continue;
      }
      const missing = missingStrategies(channel, subscriber);
      if (missing.length > 0) {
        skip('missing_strategy', `does not own ${missing.join(', ')}`);
        continue;
      }
      let mine = sent.get(subscriber.id);
      if (!mine) {
        mine = new Set(input.alreadySent.get(subscriber.id) ?? []);
        sent.set(subscriber.id, mine);
      }
      if (mine.has(pick.id)) {
        skip('already_sent', 'sent through another channel');
        continue;
      }
      if (entry.sentToday >= rules.maxDailyEvents) {
        skip('daily_cap', `${entry.sentToday} of ${rules.maxDailyEvents} signals today already`);
        continue;
      }
      const destinations = chooseDestinations(rules, subscriber, input.available);
      if (destinations.length === 0) {
        skip(
          'no_destination',
          `no active destination among ${rules.destinations.length ? rules.destinations.join(', ') : 'any'}`,
        );
        continue;
      }
      const balance = balances.get(subscriber.id) ?? 0;
      if (balance < channel.price) {
        skip('no_credits', `balance ${balance}, price ${channel.price}`);
        continue;
      }
      balances.set(subscriber.id, balance - channel.price);
      mine.add(pick.id);
      deliveries.push({
        signal: pick,
        subscriberId: subscriber.id,
        channelId: channel.id,
        price: channel.price,
        destinations,
      });
    }
  }
  return { deliveries, skips };
}
