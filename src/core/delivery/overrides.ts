import { isTimeframe, TIMEFRAMES } from '../candles/timeframe.js';
import type { Channel, DestinationKind, Subscription } from './types.js';
import { DESTINATION_KINDS } from './types.js';

/**
 * A subscriber's settings for one channel, checked against the channel: they may narrow what
 * the channel sends, never widen it. Each error names the field and the value.
 */
export interface OverrideInput {
  readonly symbols?: readonly string[] | null;
  readonly timeframe?: string | null;
  readonly minConfidence?: number | null;
  readonly maxDailyEvents?: number | null;
  readonly destinations?: readonly string[] | null;
}

export const SYMBOL_RE = /^[A-Z0-9]{2,20}$/;

export function checkOverrides(channel: Channel, o: OverrideInput): string | null {
  if (o.symbols) {
    if (o.symbols.length === 0) return 'symbols: give at least one symbol, or null for all of the channel';
    for (const s of o.symbols) {
      if (!SYMBOL_RE.test(s))
        return `symbols: "${s}" is not a symbol (upper-case letters and digits, like BTCUSDT)`;
      if (channel.symbols.length > 0 && !channel.symbols.includes(s))
        return `symbols: ${channel.slug} does not carry ${s}; it carries ${channel.symbols.join(', ')}`;
    }
  }
  if (o.timeframe !== undefined && o.timeframe !== null) {
    if (!isTimeframe(o.timeframe))
      return `timeframe: "${o.timeframe}" is not a timeframe; use one of ${TIMEFRAMES.join(', ')}`;
    if (channel.timeframe !== null && channel.timeframe !== o.timeframe)
      return `timeframe: ${channel.slug} carries ${channel.timeframe} signals only`;
  }
  if (o.minConfidence !== undefined && o.minConfidence !== null) {
    if (!(o.minConfidence >= 0 && o.minConfidence <= 1))
      return `minConfidence: must be from 0 to 1 (got ${o.minConfidence})`;
  }
  if (o.maxDailyEvents !== undefined && o.maxDailyEvents !== null) {
    if (!(Number.isInteger(o.maxDailyEvents) && o.maxDailyEvents >= 1))
      return `maxDailyEvents: must be a whole number from 1 (got ${o.maxDailyEvents})`;
    if (o.maxDailyEvents > channel.maxDailyEvents)
      return `maxDailyEvents: ${channel.slug} sends at most ${channel.maxDailyEvents} a day (got ${o.maxDailyEvents})`;
  }
  if (o.destinations) {
    for (const d of o.destinations)
      if (!(DESTINATION_KINDS as readonly string[]).includes(d))
        return `destinations: "${d}" is not a destination; use ${DESTINATION_KINDS.join(', ')}`;
  }
  return null;
}

export function asDestinationKinds(list: readonly string[]): DestinationKind[] {
  return list.filter((d): d is DestinationKind => (DESTINATION_KINDS as readonly string[]).includes(d));
}

/** A subscription that keeps every rule of its channel. */
export function plainSubscription(subscriberId: number, channelId: number): Omit<Subscription, 'createdAt'> {
  return {
    subscriberId,
    channelId,
    symbols: null,
    timeframe: null,
    minConfidence: null,
    maxDailyEvents: null,
    destinations: null,
  };
}
