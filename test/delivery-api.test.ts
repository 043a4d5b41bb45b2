import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite, type SqliteDatabase } from '../src/adapters/store/sqlite-database.js';
import { SqliteDeliveryStore } from '../src/adapters/store/sqlite-delivery-store.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { buildApp } from '../src/api/app.js';
import { SubscriberSockets } from '../src/api/ws/subscriber-sockets.js';
import { type ConfigInput, ConfigSchema } from '../src/config/schema.js';
import { EventBus } from '../src/runtime/bus/event-bus.js';
import { DeliveryEngine } from '../src/runtime/delivery/delivery-engine.js';
import { RelayRunner } from '../src/runtime/delivery/relay-runner.js';
import type { RuntimeView } from '../src/runtime/live/runtime-view.js';
import { books } from './support/delivery.js';
import { testSignal } from './support/signals.js';

const ADMIN = 'test-admin-key-0123456789abcdef';
const admin = { authorization: `Bearer ${ADMIN}` };
type Json = Record<string, unknown>;
const json = (r: LightMyRequestResponse) => JSON.parse(r.body) as Json;

/** What the API needs of a running service, over a real bus: no market here. */
function quietRuntime(bus: EventBus): RuntimeView {
  return {
    bus,
    status: () => ({
      source: { kind: 'demo', label: 'DEMO', state: 'live', detail: '' },
      symbols: [],
      pipeline: { candles: 0, p50Us: null, p99Us: null },
      signalsToday: 0,
      activity: { signals: 0, updates: 0, outcomes: 0 },
      startedAt: 0,
      store: {
        state: 'ok',
        buffered: 0,
        bound: 1,
        attempts: 0,
        since: null,
        lastError: null,
        recovered: 0,
      },
    }),
    liveSignals: () => [],
    symbols: () => [],
    addSymbol: async () => {},
    removeSymbol: async () => {},
    ready: async () => ({ ok: true, checks: {} }),
    evaluate: async () => {
      throw new Error('no market here');
    },
    closeSignal: async () => ({ ok: false, code: 'not_live' }),
    cancelSignal: async () => ({ ok: false, code: 'not_live' }),
  };
}

describe('delivery API: admin and subscriber routes, the subscriber WebSocket', () => {
  let db: SqliteDatabase;
  let store: SqliteDeliveryStore;
  let signals: SqliteSignalStore;
  let app: FastifyInstance;
  let url: string;
  let bus: EventBus;
  let engine: DeliveryEngine;
  let runner: RelayRunner;
  let key = '';
  let subscriberId = 0;

  const build = async (delivery: ConfigInput['delivery'] = { allowPrivateWebhookTargets: true }) => {
    const sockets = new SubscriberSockets();
    const a = await buildApp({
      runtime: quietRuntime(bus),
      signals,
      candles: new SqliteCandleStore(db),
      config: ConfigSchema.parse({ api: { adminKeys: [ADMIN], rateLimit: { max: 100_000 } }, delivery }),
      delivery: { store, sockets, onSubscriberConnect: () => runner.wake() },
    });
    return { app: a, sockets };
  };
  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: object,
    headers: Json = admin,
  ) => app.inject({ method, url: path, payload: body, headers: headers as Record<string, string> });
  const mine = (method: 'GET' | 'POST' | 'DELETE', path: string, body?: object) =>
    call(method, path, body, { authorization: `Bearer ${key}` });

  beforeAll(async () => {
    db = openSqlite(':memory:');
    store = new SqliteDeliveryStore(db);
    signals = new SqliteSignalStore(db);
    bus = new EventBus();
    const built = await build();
    app = built.app;
    runner = new RelayRunner({
      store,
      relays: [built.sockets],
      windowMs: 86_400_000,
      leaseMs: 60_000,
      random: () => 0.5,
    });
    engine = new DeliveryEngine({
      store,
      bus,
      cycleMs: 60_000,
      batchWaitMs: 0,
      baseTimeframe: '1m',
      available: () => new Set(['websocket', 'webhook']),
      onEnqueued: () => runner.wake(),
    });
    await engine.start();
    runner.start();
    url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws');
  });

  afterAll(async () => {
    await engine.stop();
    await runner.stop();
    await app.close();
    db.close();
  });

  it('admin: products, channels (validated, named errors), subscribers with a key shown once', async () => {
    expect((await call('GET', '/api/v1/admin/channels', undefined, {})).statusCode).toBe(401);
    for (const s of ['momentum', 'breakout'])
      expect(
        (await call('PUT', `/api/v1/admin/products/${s}`, { name: s, description: '' })).statusCode,
      ).toBe(200);
    let r = await call('POST', '/api/v1/admin/channels', {
      slug: 'momentum',
      name: 'Momentum',
      strategies: ['momentum', 'scalping'],
    });
    expect(r.statusCode).toBe(400);
    expect(json(r).message).toBe(
      'body/strategies: "scalping" is not a strategy product; products are breakout, momentum',
    );
    r = await call('POST', '/api/v1/admin/channels', {
      slug: 'momentum',
      name: 'Momentum',
      strategies: ['momentum'],
      colour: 'red',
    });
    expect(json(r).message).toMatch(/^body\/colour is not a known field/);
    r = await call('POST', '/api/v1/admin/channels', {
      slug: 'momentum',
      name: 'Momentum',
      strategies: ['momentum'],
      price: 2,
      maxDailyEvents: 5,
    });
    expect(r.statusCode).toBe(201);
    expect(json(r)).toMatchObject({
      slug: 'momentum',
      price: 2,
      maxDailyEvents: 5,
      symbols: [],
      timeframe: null,
    });
    expect(
      (
        await call('POST', '/api/v1/admin/channels', {
          slug: 'momentum',
          name: 'x',
          strategies: ['momentum'],
        })
      ).statusCode,
    ).toBe(409);
    r = await call('POST', '/api/v1/admin/channels', {
      slug: 'combo',
      name: 'Combo',
      strategies: ['momentum', 'breakout'],
      price: -1,
    });
    expect(json(r).message).toMatch(/^body\/price /);
    expect(
      (
        await call('POST', '/api/v1/admin/channels', {
          slug: 'combo',
          name: 'Combo',
          strategies: ['momentum', 'breakout'],
        })
      ).statusCode,
    ).toBe(201);
    expect((await call('PATCH', '/api/v1/admin/channels/nope', { name: 'x' })).statusCode).toBe(404);
    expect(json(await call('PATCH', '/api/v1/admin/channels/combo', { minConfidence: 0.6 }))).toMatchObject({
      minConfidence: 0.6,
    });

    r = await call('POST', '/api/v1/admin/subscribers', {
      name: 'ann',
      strategies: ['momentum'],
      destinations: { websocket: true, webhook: { url: 'http://127.0.0.1:9/hook' } },
    });
    expect(r.statusCode).toBe(201);
    const created = json(r) as {
      apiKey: string;
      linkCode: string;
      subscriber: { id: number; destinations: { kind: string; secret: string | null }[] };
    };
    expect(created.apiKey).toMatch(/^aps_/);
    expect(created.subscriber.destinations.find((d) => d.kind === 'webhook')?.secret).toMatch(/^whsec_/);
    key = created.apiKey;
    subscriberId = created.subscriber.id;
    // only the hash is stored
    expect(JSON.stringify(db.prepare('SELECT * FROM delivery_subscribers').all())).not.toContain(key);
    expect((await call('GET', `/api/v1/admin/subscribers/abc`)).statusCode).toBe(400);
    expect(json(await call('GET', `/api/v1/admin/subscribers/abc`)).message).toMatch(/^params\/id /);
  });

  it('refuses a webhook receiver on a private address unless configured to allow it', async () => {
    const strict = await build({ allowPrivateWebhookTargets: false });
    const r = await strict.app.inject({
      method: 'POST',
      url: '/api/v1/admin/subscribers',
      headers: admin,
      payload: { name: 'bob', destinations: { webhook: { url: 'http://10.0.0.5/hook' } } },
    });
    await strict.app.close();
    expect(r.statusCode).toBe(400);
    expect(json(r).message).toBe(
      'body/destinations/webhook/url: 10.0.0.5 is on a private or loopback address (10.0.0.5); set delivery.allowPrivateWebhookTargets to allow it',
    );
  });

  it('subscriber routes: key required, configure with checks, balance and ledger', async () => {
    expect((await call('GET', '/api/v1/me', undefined, {})).statusCode).toBe(401);
    expect(
      (await call('GET', '/api/v1/me', undefined, { authorization: 'Bearer aps_nope' })).statusCode,
    ).toBe(403);
    expect(json(await mine('GET', '/api/v1/me'))).toMatchObject({
      id: subscriberId,
      name: 'ann',
      balance: 0,
    });
    let r = await mine('POST', '/api/v1/channels/combo/configure', {});
    expect(r.statusCode).toBe(403);
    expect(json(r).message).toBe('combo requires the strategy breakout, which you do not own');
    r = await mine('POST', '/api/v1/channels/momentum/configure', { symbols: ['btc'] });
    expect(json(r).message).toMatch(/^body\/symbols\/0 /);
    r = await mine('POST', '/api/v1/channels/momentum/configure', { maxDailyEvents: 9 });
    expect(json(r).message).toBe('body/maxDailyEvents: momentum sends at most 5 a day (got 9)');
    r = await mine('POST', '/api/v1/channels/momentum/configure', {
      timeframe: '15m',
      destinations: ['websocket'],
    });
    expect(r.statusCode).toBe(200);
    expect(json(r)).toMatchObject({
      subscription: { channel: 'momentum', timeframe: '15m', entitled: true, missingStrategies: [] },
      effective: { timeframe: '15m', maxDailyEvents: 5, destinations: ['websocket'] },
    });
    expect((await mine('POST', '/api/v1/channels/nope/configure', {})).statusCode).toBe(404);
    expect(
      json(
        await call('POST', `/api/v1/admin/subscribers/${subscriberId}/topups`, {
          amount: 10,
          note: 'welcome',
        }),
      ),
    ).toMatchObject({
      kind: 'topup',
      amount: 10,
    });
    expect(
      json(await call('POST', `/api/v1/admin/subscribers/${subscriberId}/topups`, { amount: 1.5 })).message,
    ).toMatch(/^body\/amount /);
    expect(json(await mine('GET', '/api/v1/me/balance'))).toEqual({ balance: 10, reserved: 0 });
    expect((json(await mine('GET', '/api/v1/me/subscriptions')) as unknown as unknown[]).length).toBe(1);
  });

  it('the subscriber WebSocket gets the deliveries of its entitled channels; feed, history, ack, outbox and ledger show them', async () => {
    const refused = new WebSocket(`${url}/ws/subscriber`);
    const refusal = await new Promise<{ code: number; message: string }>((resolve) => {
      let message = '';
      refused.on('message', (m) => {
        message = String(m);
      });
      refused.on('close', (code) => resolve({ code, message }));
    });
    expect(refusal.code).toBe(1008);
    expect(refusal.message).toContain('subscriber API key');

    const ws = new WebSocket(`${url}/ws/subscriber`, { headers: { authorization: `Bearer ${key}` } });
    const messages: Json[] = [];
    ws.on('message', (m) => messages.push(JSON.parse(String(m)) as Json));
    await new Promise((resolve) => ws.once('open', resolve));
    await waitUntil(() => messages.length > 0);
    expect(messages[0]).toEqual({
      type: 'welcome',
      subscriber: { id: subscriberId, name: 'ann' },
      channels: ['momentum'],
    });

    const s = testSignal({ timeframe: '15m' });
    const other = testSignal({
      id: 'ETHUSDT-1h-momentum-BUY-20250601T1200Z',
      symbol: 'ETHUSDT',
      timeframe: '1h',
    });
    await signals.commit(null, [
      { type: 'signal.created', signal: s },
      { type: 'signal.created', signal: other },
    ]);
    bus.publish({ type: 'signal.created', signal: s });
    bus.publish({ type: 'signal.created', signal: other });
    engine.flush();
    await engine.idle();
    await runner.settled();
    await waitUntil(() => messages.length > 1);
    expect(messages.slice(1)).toEqual([
      expect.objectContaining({
        type: 'delivery',
        event: 'signal',
        channel: 'momentum',
        deliveryId: `${s.id}/${subscriberId}/websocket/signal`,
      }),
    ]);
    ws.close();

    const feed = json(await mine('GET', '/api/v1/me/feed')) as unknown as {
      signal: { id: string };
      destinations: unknown[];
    }[];
    expect(feed.map((f) => f.signal.id)).toEqual([s.id]);
    expect(feed[0].destinations).toEqual([{ kind: 'websocket', state: 'delivered' }]);
    const deliveries = json(await mine('GET', '/api/v1/me/deliveries')) as unknown as {
      id: number;
      state: string;
    }[];
    expect(deliveries.map((d) => d.state)).toEqual(['delivered']);
    expect(json(await mine('POST', `/api/v1/me/deliveries/${deliveries[0].id}/ack`))).toEqual({
      acked: true,
    });
    expect((await mine('POST', '/api/v1/me/deliveries/999/ack')).statusCode).toBe(404);
    expect(json(await call('GET', '/api/v1/admin/outbox/counts'))).toEqual({
      pending: 0,
      retrying: 0,
      sending: 0,
      delivered: 1,
      dead: 0,
    });
    expect(
      (json(await call('GET', '/api/v1/admin/outbox?state=delivered')) as unknown as unknown[]).length,
    ).toBe(1);
    expect(
      (json(await call('GET', `/api/v1/admin/outbox/${deliveries[0].id}/attempts`)) as unknown as unknown[])
        .length,
    ).toBe(1);
    const ledger = json(await call('GET', `/api/v1/admin/ledger?subscriber=${subscriberId}`)) as unknown as {
      kind: string;
      amount: number;
    }[];
    expect(ledger.map((l) => [l.kind, l.amount])).toEqual([
      ['charge', 0],
      ['reserve', -2],
      ['topup', 10],
    ]);
    expect(books(db, subscriberId)).toMatchObject({ balance: 8, column: 8, problems: [] });
    expect(json(await mine('GET', '/api/v1/me/balance'))).toEqual({ balance: 8, reserved: 0 });
    expect(json(await call('GET', '/api/v1/channels/momentum/performance', undefined, {}))).toMatchObject({
      channel: 'momentum',
      trades: 0,
    });
    expect((json(await call('GET', '/api/v1/channels', undefined, {})) as unknown as unknown[]).length).toBe(
      2,
    );
    const subs = json(await call('GET', '/api/v1/admin/subscriptions?channel=momentum')) as unknown as {
      entitled: boolean;
    }[];
    expect(subs).toMatchObject([{ entitled: true }]);
  });
});

async function waitUntil(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
