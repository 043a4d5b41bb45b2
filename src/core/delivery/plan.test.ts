import { describe, expect, it } from 'vitest';
import { testSignal } from '../../../test/support/signals.js';
import type { Signal } from '../signals/types.js';
import { checkOverrides, plainSubscription } from './overrides.js';
import { type AudienceEntry, effectiveRules, planCycle } from './plan.js';
import type { Channel, DestinationKind, Subscriber, Subscription } from './types.js';

const T = Date.UTC(2025, 5, 1, 12);

function channel(over: Partial<Channel> = {}): Channel {
  return {
    id: 1,
    slug: 'combo',
    name: 'Momentum + breakout',
    strategies: ['momentum', 'breakout'],
    symbols: [],
    timeframe: null,
    minConfidence: 0,
    maxDailyEvents: 5,
    price: 2,
    destinations: [],
    active: true,
    createdAt: T,
    ...over,
  };
}

function subscriber(id: number, over: Partial<Subscriber> = {}): Subscriber {
  return {
    id,
    name: `s${id}`,
    strategies: ['momentum', 'breakout'],
    balance: 10,
    destinations: [{ kind: 'webhook', target: 'http://127.0.0.1:1/h', secret: 'x', active: true }],
    active: true,
    createdAt: T,
    ...over,
  };
}

function subscription(subscriberId: number, channelId = 1, over: Partial<Subscription> = {}): Subscription {
  return { ...plainSubscription(subscriberId, channelId), createdAt: T, ...over };
}

function entry(sub: Subscriber, over: Partial<AudienceEntry> = {}, channelId = 1): AudienceEntry {
  return {
    subscriber: sub,
    subscription: subscription(sub.id, channelId),
    sentToday: 0,
    sentInCycle: false,
    ...over,
  };
}

const ALL: ReadonlySet<DestinationKind> = new Set(['telegram', 'webhook', 'discord', 'slack', 'websocket']);

function sig(id: string, confidence: number, over: Partial<Signal> = {}): Signal {
  return testSignal({ id, confidence, ...over });
}

describe('planCycle', () => {
  it('sends each subscriber the highest-confidence matching signal of the cycle, once', () => {
    const plan = planCycle({
      signals: [sig('a', 0.6), sig('b', 0.8), sig('c', 0.7, { strategy: 'scalping' })],
      channels: [channel()],
      audience: [entry(subscriber(1)), entry(subscriber(2))],
      alreadySent: new Map(),
      available: ALL,
    });
    expect(plan.deliveries.map((d) => [d.subscriberId, d.signal.id, d.price])).toEqual([
      [1, 'b', 2],
      [2, 'b', 2],
    ]);
    expect(plan.skips).toEqual([]);
  });

  it('owns 1 of 2 required strategies: not delivered, skip recorded with the missing one', () => {
    const plan = planCycle({
      signals: [sig('a', 0.6)],
      channels: [channel()],
      audience: [entry(subscriber(1, { strategies: ['momentum'] }))],
      alreadySent: new Map(),
      available: ALL,
    });
    expect(plan.deliveries).toEqual([]);
    expect(plan.skips).toEqual([
      {
        signalId: 'a',
        subscriberId: 1,
        channelId: 1,
        reason: 'missing_strategy',
        detail: 'does not own breakout',
      },
    ]);
  });

  it('credits run out inside a cycle: the channels the balance still covers go, the rest are skipped', () => {
    const plan = planCycle({
      signals: [sig('a', 0.6), sig('b', 0.7, { strategy: 'breakout' })],
      channels: [
        channel({ id: 1, slug: 'a-mom', strategies: ['momentum'], price: 3 }),
        channel({ id: 2, slug: 'b-brk', strategies: ['breakout'], price: 3 }),
      ],
      audience: [entry(subscriber(1, { balance: 4 }), {}, 1), entry(subscriber(1, { balance: 4 }), {}, 2)],
      alreadySent: new Map(),
      available: ALL,
    });
    expect(plan.deliveries.map((d) => d.signal.id)).toEqual(['a']);
    expect(plan.skips.map((s) => [s.signalId, s.reason, s.detail])).toEqual([
      ['b', 'no_credits', 'balance 1, price 3'],
    ]);
  });

  it('honours the daily cap, the cycle, overrides, destinations and already-sent signals', () => {
    const sub = subscriber(1);
    const base = { signals: [sig('a', 0.6)], channels: [channel()], available: ALL };
    expect(
      planCycle({ ...base, audience: [entry(sub, { sentToday: 5 })], alreadySent: new Map() }).skips[0],
    ).toMatchObject({
      reason: 'daily_cap',
      detail: '5 of 5 signals today already',
    });
    const capped = {
      ...entry(sub, { sentToday: 2 }),
      subscription: subscription(1, 1, { maxDailyEvents: 2 }),
    };
    expect(planCycle({ ...base, audience: [capped], alreadySent: new Map() }).skips[0]?.reason).toBe(
      'daily_cap',
    );
    expect(
      planCycle({ ...base, audience: [entry(sub, { sentInCycle: true })], alreadySent: new Map() }),
    ).toEqual({
      deliveries: [],
      skips: [],
    });
    const eth = { ...entry(sub), subscription: subscription(1, 1, { symbols: ['ETHUSDT'] }) };
    expect(planCycle({ ...base, audience: [eth], alreadySent: new Map() })).toEqual({
      deliveries: [],
      skips: [],
    });
    const noWebhook = planCycle({
      ...base,
      audience: [entry(sub)],
      alreadySent: new Map(),
      available: new Set(['telegram']),
    });
    expect(noWebhook.skips[0]?.reason).toBe('no_destination');
    const dup = planCycle({ ...base, audience: [entry(sub)], alreadySent: new Map([[1, new Set(['a'])]]) });
    expect(dup.skips[0]?.reason).toBe('already_sent');
  });

  it('effective rules narrow the channel: the higher confidence floor and the lower cap win', () => {
    const rules = effectiveRules(
      channel({ minConfidence: 0.6, maxDailyEvents: 5 }),
      subscription(1, 1, { minConfidence: 0.5, maxDailyEvents: 3 }),
    );
    expect(rules.minConfidence).toBe(0.6);
    expect(rules.maxDailyEvents).toBe(3);
  });
});

describe('checkOverrides', () => {
  const c = channel({ symbols: ['BTCUSDT', 'ETHUSDT'], timeframe: '15m', maxDailyEvents: 5 });
  it('names the field and the value of a bad override', () => {
    expect(checkOverrides(c, { symbols: ['btc'] })).toMatch(/^symbols: "btc" is not a symbol/);
    expect(checkOverrides(c, { symbols: ['SOLUSDT'] })).toBe(
      'symbols: combo does not carry SOLUSDT; it carries BTCUSDT, ETHUSDT',
    );
    expect(checkOverrides(c, { timeframe: '7m' })).toMatch(/^timeframe: "7m" is not a timeframe/);
    expect(checkOverrides(c, { timeframe: '1h' })).toBe('timeframe: combo carries 15m signals only');
    expect(checkOverrides(c, { maxDailyEvents: 9 })).toBe(
      'maxDailyEvents: combo sends at most 5 a day (got 9)',
    );
    expect(checkOverrides(c, { destinations: ['fax'] })).toMatch(/^destinations: "fax" is not a destination/);
    expect(checkOverrides(c, { symbols: ['ETHUSDT'], timeframe: '15m', maxDailyEvents: 2 })).toBeNull();
  });
});
