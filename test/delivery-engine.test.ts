import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Relay } from '../src/adapters/delivery/relay.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteDeliveryStore } from '../src/adapters/store/sqlite-delivery-store.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import type { Destination } from '../src/core/delivery/types.js';
import type { Outcome } from '../src/core/outcomes/types.js';
import type { Signal } from '../src/core/signals/types.js';
import { RelayRunner } from '../src/runtime/delivery/relay-runner.js';
import {
  addSubscriber,
  books,
  CHANNEL,
  type Receiver,
  type Rig,
  startReceiver,
  startRig,
} from './support/delivery.js';
import { testSignal } from './support/signals.js';

const MIN = 60_000;
const DAY = 86_400_000;
const T = Date.UTC(2025, 5, 2, 0, 0);

/** A signal of minute `m` of the day `day` (0 = 2025-06-02). */
function at(m: number, over: Partial<Signal> = {}, day = 0): Signal {
  const t = T + day * DAY + m * MIN;
  const stamp = new Date(t).toISOString().slice(0, 16).replace(/[-:]/g, '');
  return testSignal({
    id: `BTCUSDT-15m-${over.strategy ?? 'momentum'}-BUY-${stamp}Z`,
    createdAt: t,
    statusAt: t,
    expiresAt: t + DAY,
    ...over,
  });
}

describe('delivery engine: entitlements, credits, caps, updates', () => {
  let rig: Rig;
  let receiver: Receiver;
  let hook: Destination;

  beforeEach(async () => {
    receiver = await startReceiver();
    rig = await startRig();
    hook = { kind: 'webhook', target: receiver.url, secret: 's', active: true };
  });

  afterEach(async () => {
    await rig.stop();
    await receiver.close();
  });

  const subscribe = (strategies: string[], credits: number, channel = CHANNEL) =>
    addSubscriber(
      rig.store,
      { strategies, destinations: [hook], credits, channel, name: strategies.join('-') },
      T,
    );

  it('owns 1 of 2 required strategies: not delivered, the skip recorded with the missing strategy', async () => {
    const combo = { ...CHANNEL, slug: 'combo', name: 'Combo', strategies: ['momentum', 'breakout'] };
    const half = await subscribe(['momentum'], 10, combo);
    const both = await subscribe(['momentum', 'breakout'], 10, combo);
    await rig.publish(at(0));
    await rig.settle();
    expect(receiver.received.map((r) => r.headers['x-alphapulse-delivery'])).toEqual([
      `${at(0).id}/${both.id}/webhook/signal`,
    ]);
    expect(await rig.store.skips({ subscriberId: half.id, limit: 10 })).toMatchObject([
      { signalId: at(0).id, reason: 'missing_strategy', detail: 'does not own breakout' },
    ]);
    expect(books(rig.db, half.id)).toMatchObject({ balance: 10, column: 10, problems: [] });
  });

  it('credits run out mid-day: deliveries stop, the ledger balances, every reservation charged', async () => {
    const sub = await subscribe(['momentum'], 5);
    for (let m = 0; m < 4; m++) {
      await rig.publish(at(m));
      await rig.settle();
    }
    expect(receiver.received).toHaveLength(2);
    const skips = await rig.store.skips({ subscriberId: sub.id, limit: 10 });
    expect(skips.map((s) => [s.signalId, s.reason, s.detail])).toEqual([
      [at(3).id, 'no_credits', 'balance 1, price 2'],
      [at(2).id, 'no_credits', 'balance 1, price 2'],
    ]);
    const b = books(rig.db, sub.id);
    expect(b).toMatchObject({
      balance: 1,
      column: 1,
      toppedUp: 5,
      charged: 4,
      reserved: 0,
      openReservations: 0,
      problems: [],
    });
    // a top-up opens the tap again
    await rig.store.topUp(sub.id, 2, 'more', T);
    await rig.publish(at(4));
    await rig.settle();
    expect(receiver.received).toHaveLength(3);
  });

  it('honours the daily cap (per UTC day of signal time) and one signal per cycle', async () => {
    const sub = await subscribe(['momentum'], 100, { ...CHANNEL, maxDailyEvents: 2 });
    // two signals in the same cycle: only the more confident goes
    await rig.publish(at(0, { confidence: 0.6 }));
    await rig.publish(
      at(0, { id: 'BTCUSDT-1h-momentum-BUY-20250602T0000Z', timeframe: '1h', confidence: 0.9 }),
    );
    await rig.settle();
    expect(receiver.received.map((r) => JSON.parse(r.body).signal.id)).toEqual([
      'BTCUSDT-1h-momentum-BUY-20250602T0000Z',
    ]);
    for (const m of [1, 2, 3]) {
      await rig.publish(at(m));
      await rig.settle();
    }
    expect(receiver.received).toHaveLength(2);
    expect((await rig.store.skips({ subscriberId: sub.id, limit: 10 })).map((s) => s.reason)).toEqual([
      'daily_cap',
      'daily_cap',
    ]);
    await rig.publish(at(0, {}, 1));
    await rig.settle();
    expect(receiver.received).toHaveLength(3);
  });

  it('outcome updates go to the same people, free, after the signal; unpublished signals are not sent', async () => {
    const sub = await subscribe(['momentum'], 10);
    const s = at(0);
    await rig.publish(s);
    await rig.publish(at(1, { published: false } as Partial<Signal>));
    await rig.settle();
    const tp1 = {
      ...s,
      status: 'ACTIVE' as const,
      statusAt: s.createdAt + MIN,
      statusReason: 'TP1 hit at 105.00',
    };
    await rig.signals.commit(null, [{ type: 'signal.updated', signal: tp1, previous: 'PENDING' }]);
    rig.bus.publish({ type: 'signal.updated', signal: tp1, previous: 'PENDING' });
    const outcome = {
      signalId: s.id,
      type: 'TP_HIT',
      reason: 'all targets',
      filled: true,
      rMultiple: 2,
      returnPct: 0.03,
    } as unknown as Outcome;
    rig.bus.publish({ type: 'outcome.closed', outcome, signal: tp1, shadow: false });
    rig.bus.publish({ type: 'outcome.closed', outcome, signal: tp1, shadow: true });
    await rig.settle();
    expect(
      receiver.received.map((r) => [r.headers['x-alphapulse-event'], JSON.parse(r.body).update]),
    ).toEqual([
      ['signal.delivered', null],
      ['signal.update', 'tp1'],
      ['signal.update', 'closed'],
    ]);
    expect(books(rig.db, sub.id)).toMatchObject({ balance: 8, charged: 2, problems: [] });
  });
});

describe('delivery engine restart', () => {
  it('catches up on stored signals it never considered, once', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ap-catchup-')), 'c.db');
    const receiver = await startReceiver();
    const first = await startRig({ path });
    const sub = await addSubscriber(
      first.store,
      {
        strategies: ['momentum'],
        destinations: [{ kind: 'webhook', target: receiver.url, secret: null, active: true }],
        credits: 10,
      },
      T,
    );
    // stored but never published: the process died between the store's commit and the bus
    await first.signals.commit(null, [{ type: 'signal.created', signal: at(0) }]);
    await first.stop();
    for (let i = 0; i < 2; i++) {
      const again = await startRig({ path });
      await again.settle();
      await again.stop();
    }
    expect(receiver.received.map((r) => r.headers['x-alphapulse-delivery'])).toEqual([
      `${at(0).id}/${sub.id}/webhook/signal`,
    ]);
    await receiver.close();
  });
});

describe('relay runner leases', () => {
  it('a send slower than the lease is neither sent twice nor taken by another pass', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(T);
    let calls = 0;
    let finish: () => void = () => {};
    const slow: Relay = {
      kinds: ['webhook'],
      concurrency: 4,
      send: async () => {
        calls++;
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        return { ok: true, status: 200, error: null, externalId: null, permanent: false, retryAfterMs: null };
      },
    };
    const db = openSqlite(':memory:');
    const store = new SqliteDeliveryStore(db);
    const signals = new SqliteSignalStore(db);
    const sub = await addSubscriber(
      store,
      {
        strategies: ['momentum'],
        destinations: [{ kind: 'webhook', target: 'http://127.0.0.1:9/h', secret: null, active: true }],
        credits: 5,
      },
      T,
    );
    await signals.commit(null, [{ type: 'signal.created', signal: at(0) }]);
    const channel = await store.getChannel('momentum');
    await store.commitCycle({
      cycle: 1,
      day: 1,
      signalIds: [at(0).id],
      deliveries: [
        {
          signal: at(0),
          subscriberId: sub.id,
          channelId: channel?.id ?? 0,
          price: 2,
          destinations: sub.destinations,
        },
      ],
      skips: [],
      now: T,
    });
    const runner = new RelayRunner({ store, relays: [slow], windowMs: DAY, leaseMs: 3000, idlePollMs: 500 });
    runner.start();
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setImmediate(r));
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(calls).toBe(1);
    const [row] = await store.outbox({ limit: 1 });
    expect(row.state).toBe('sending');
    finish();
    await vi.advanceTimersByTimeAsync(10);
    await runner.stop();
    vi.useRealTimers();
    expect((await store.outbox({ limit: 1 }))[0].state).toBe('delivered');
    expect(calls).toBe(1);
    db.close();
  });
});
