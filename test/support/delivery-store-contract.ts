import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type DeliveryStore, DeliveryStoreError } from '../../src/adapters/store/delivery-port.js';
import type { SignalStore } from '../../src/adapters/store/ports.js';
import { auditLedger, type LedgerEntry } from '../../src/core/delivery/ledger.js';
import type { PlannedDelivery } from '../../src/core/delivery/plan.js';
import type { Destination } from '../../src/core/delivery/types.js';
import { CHANNEL } from './delivery.js';
import { testSignal } from './signals.js';

/** One opened delivery store of a driver, with what the suite needs to look past the port. */
export interface OpenedDelivery {
  readonly store: DeliveryStore;
  /** The signal store of the same database (claims join the stored signal). */
  readonly signals: SignalStore;
  /**
   * Runs SQL directly on the database, with `$1, $2, ...` parameters on both drivers; numbers
   * come back as numbers. Written so that it means the same on SQLite and PostgreSQL.
   */
  query<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** The same database opened again, as a restarted process would. */
  reopen(): Promise<OpenedDelivery>;
  close(): Promise<void>;
}

/** A delivery store driver under test: each `open` gives a fresh, empty database; `cleanup` removes them all. */
export interface DeliveryHarness {
  readonly driver: string;
  /** Runs of the ledger property: each opens a fresh database, which costs a schema's migrations on PostgreSQL. */
  readonly propertyRuns: number;
  open(): Promise<OpenedDelivery>;
  cleanup(): Promise<void>;
}

const T = Date.UTC(2025, 5, 1, 12);
const hook: Destination = { kind: 'webhook', target: 'http://127.0.0.1:9/h', secret: 's3cret', active: true };
const slack: Destination = { kind: 'slack', target: 'http://127.0.0.1:9/s', secret: null, active: true };

async function setup(opened: OpenedDelivery) {
  const { store } = opened;
  const channel = await store.createChannel({ ...CHANNEL, price: 3 }, T);
  const sub = await store.createSubscriber(
    { name: 'ann', strategies: ['momentum'], destinations: [hook, slack], apiKeyHash: 'h1', linkCode: 'c1' },
    T,
  );
  return { ...opened, channel, sub };
}

function delivery(
  id: string,
  subscriberId: number,
  channelId: number,
  price: number,
  dests: Destination[],
): PlannedDelivery {
  return { signal: testSignal({ id }), subscriberId, channelId, price, destinations: dests };
}

function must<T>(x: T | null): T {
  if (x === null) throw new Error('missing');
  return x;
}

/** balance column = sum of the ledger rows, never negative, every rule of the ledger kept. */
async function checkBooks(o: OpenedDelivery, subscriberId: number) {
  const [{ balance }] = await o.query<{ balance: number }>(
    'SELECT balance FROM delivery_subscribers WHERE id = $1',
    [subscriberId],
  );
  const rows = await o.query<LedgerEntry>(
    `SELECT id, subscriber_id AS "subscriberId", kind, amount, reservation_id AS "reservationId", created_at AS "createdAt"
     FROM delivery_ledger WHERE subscriber_id = $1`,
    [subscriberId],
  );
  const audit = auditLedger(rows);
  expect(audit.problems).toEqual([]);
  expect(audit.balance).toBe(balance);
  expect(balance).toBeGreaterThanOrEqual(0);
  return audit;
}

/**
 * The delivery store's promises, run unchanged against every driver: migration 5, reservations
 * and outbox rows in one transaction, the ledger never negative and settled once, updates
 * waiting for their original, and a property over random top-ups, deliveries, outcomes and
 * restarts.
 */
export function deliveryStoreContract(h: DeliveryHarness): void {
  afterEach(async () => {
    await h.cleanup();
  });

  describe(`delivery store on ${h.driver}`, () => {
    it('migrates to version 5 (delivery) and refuses a second channel with the same slug', async () => {
      const { store, query } = await setup(await h.open());
      const versions = await query<{ version: number; name: string }>(
        'SELECT version, name FROM schema_migrations ORDER BY version',
      );
      expect(versions).toContainEqual({ version: 5, name: 'delivery' });
      const existing = await store.getChannel('momentum');
      expect(existing).not.toBeNull();
      if (existing) await expect(store.createChannel(existing, T)).rejects.toBeInstanceOf(DeliveryStoreError);
    });

    it('keeps channels, subscribers, destinations, subscriptions and the telegram link', async () => {
      const { store, channel, sub } = await setup(await h.open());
      expect(await store.subscriberByKeyHash('h1')).toMatchObject({ id: sub.id, name: 'ann', balance: 0 });
      expect(sub.destinations.map((d) => d.kind)).toEqual(['slack', 'webhook']);
      const linked = await store.linkTelegramChat('c1', 'chat-9');
      expect(linked?.destinations.map((d) => [d.kind, d.target])).toContainEqual(['telegram', 'chat-9']);
      // the code is used once
      expect(await store.linkTelegramChat('c1', 'chat-10')).toBeNull();
      expect((await store.subscriberByTelegramChat('chat-9'))?.id).toBe(sub.id);
      expect(await store.deactivateDestination('telegram', 'chat-9', 'blocked')).toBe(1);
      const s = await store.subscribe(
        {
          subscriberId: sub.id,
          channelId: channel.id,
          symbols: ['BTCUSDT'],
          timeframe: null,
          minConfidence: 0.7,
          maxDailyEvents: null,
          destinations: ['webhook'],
        },
        T,
      );
      expect(s).toMatchObject({ symbols: ['BTCUSDT'], minConfidence: 0.7, destinations: ['webhook'] });
      expect(await store.listSubscriptions({ channelId: channel.id })).toEqual([s]);
      const updated = await store.updateChannel('momentum', { price: 5, active: false });
      expect(updated).toMatchObject({ price: 5, active: false });
      expect(await store.audience(1, 1)).toEqual([]);
      expect(await store.unsubscribe(sub.id, channel.id)).toBe(true);
      expect(await store.unsubscribe(sub.id, channel.id)).toBe(false);
      await store.upsertProduct({ strategy: 'momentum', name: 'M', description: 'd' }, T);
      await store.upsertProduct({ strategy: 'momentum', name: 'Momentum', description: 'd' }, T + 1);
      expect(await store.listProducts()).toEqual([
        { strategy: 'momentum', name: 'Momentum', description: 'd', createdAt: T },
      ]);
      await store.setState('cursor', '1');
      await store.setState('cursor', '2');
      expect(await store.getState('cursor')).toBe('2');
      expect(await store.getState('none')).toBeNull();
      await expect(store.topUp(sub.id, 1.5, '', T)).rejects.toBeInstanceOf(DeliveryStoreError);
      await expect(store.topUp(9999, 1, '', T)).rejects.toMatchObject({ kind: 'not_found' });
    });

    it('reserves in one transaction with the outbox rows, charges once on the first delivered destination', async () => {
      const o = await setup(await h.open());
      const { store, channel, sub } = o;
      await store.topUp(sub.id, 5, 'first', T);
      const r = await store.commitCycle({
        cycle: 1,
        day: 1,
        signalIds: ['s1', 's2'],
        deliveries: [
          delivery('s1', sub.id, channel.id, 3, [hook, slack]),
          delivery('s2', sub.id, channel.id, 3, [hook]),
        ],
        skips: [],
        now: T,
      });
      // the second does not fit in the balance the first left: refused, recorded as a skip
      expect(r).toEqual({ enqueued: 2, duplicates: 0, refused: 1 });
      expect(
        (await store.skips({ subscriberId: sub.id, limit: 10 })).map((s) => [s.signalId, s.reason]),
      ).toEqual([['s2', 'no_credits']]);
      // a replay of the same cycle writes nothing twice
      const again = await store.commitCycle({
        cycle: 1,
        day: 1,
        signalIds: ['s1'],
        deliveries: [delivery('s1', sub.id, channel.id, 3, [hook, slack])],
        skips: [],
        now: T,
      });
      expect(again).toEqual({ enqueued: 0, duplicates: 1, refused: 0 });
      expect(await checkBooks(o, sub.id)).toMatchObject({ balance: 2, reserved: 3, openReservations: 1 });
      expect(await store.alreadySent(['s1', 's2'])).toEqual(new Map([[sub.id, new Set(['s1'])]]));
      expect(await store.outboxCounts()).toMatchObject({ pending: 2, delivered: 0 });
      const rows = await store.outbox({ limit: 10 });
      expect(rows.map((x) => x.key).sort()).toEqual([
        `s1/${sub.id}/slack/signal`,
        `s1/${sub.id}/webhook/signal`,
      ]);
      const [a, b] = rows;
      await store.markDelivered(
        { outboxId: a.id, startedAt: T, finishedAt: T + 1, ok: true, status: 200, error: null },
        null,
      );
      await store.markDelivered(
        { outboxId: b.id, startedAt: T, finishedAt: T + 2, ok: true, status: 200, error: null },
        null,
      );
      expect(await checkBooks(o, sub.id)).toMatchObject({ balance: 2, reserved: 0, charged: 3, released: 0 });
      expect((await store.ledger({ subscriberId: sub.id, limit: 10 })).map((l) => l.kind)).toEqual([
        'charge',
        'reserve',
        'topup',
      ]);
      expect(await store.ack(a.id, sub.id, 'api', T + 3)).toBe(true);
      expect(await store.ack(a.id, sub.id + 1, 'api', T + 3)).toBe(false);
    });

    it('releases a reservation only when every destination of it is dead', async () => {
      const o = await setup(await h.open());
      const { store, channel, sub } = o;
      await store.topUp(sub.id, 3, '', T);
      await store.commitCycle({
        cycle: 1,
        day: 1,
        signalIds: ['s1'],
        deliveries: [delivery('s1', sub.id, channel.id, 3, [hook, slack])],
        skips: [],
        now: T,
      });
      const [a, b] = await store.outbox({ limit: 10 });
      const fail = (id: number) => ({
        outboxId: id,
        startedAt: T,
        finishedAt: T,
        ok: false,
        status: 500,
        error: 'HTTP 500',
      });
      await store.markFailed(fail(a.id), null);
      expect(await checkBooks(o, sub.id)).toMatchObject({ balance: 0, openReservations: 1 });
      await store.markFailed(fail(b.id), T + 10_000);
      expect((await store.outbox({ state: 'retrying', limit: 10 })).map((x) => x.id)).toEqual([b.id]);
      await store.markFailed(fail(b.id), null);
      expect(await checkBooks(o, sub.id)).toMatchObject({ balance: 3, released: 3, openReservations: 0 });
      expect((await store.attempts(b.id)).map((x) => x.attempt)).toEqual([1, 2]);
    });

    it('an update waits for its original; updates behind an original being retried do not hold up other rows', async () => {
      const { store, signals, channel, sub } = await setup(await h.open());
      await signals.commit(
        null,
        ['s1', 's2'].map((id) => ({ type: 'signal.created' as const, signal: testSignal({ id }) })),
      );
      await store.topUp(sub.id, 10, '', T);
      await store.commitCycle({
        cycle: 1,
        day: 1,
        signalIds: ['s1'],
        deliveries: [delivery('s1', sub.id, channel.id, 3, [hook])],
        skips: [],
        now: T,
      });
      expect(await store.nextDueAt(['webhook'])).toBe(T);
      const [original] = await store.claimDue(T, 10, 60_000, ['webhook']);
      expect(original).toMatchObject({
        signalId: 's1',
        state: 'sending',
        secret: 's3cret',
        parentExternalId: null,
      });
      // leased: not due again until the lease ends
      expect(await store.claimDue(T + 1, 10, 60_000, ['webhook'])).toEqual([]);
      await store.markFailed(
        { outboxId: original.id, startedAt: T, finishedAt: T, ok: false, status: 500, error: 'HTTP 500' },
        T + 10_000,
      );
      expect(await store.enqueueUpdate('s1', 'tp1', T + 1)).toBe(1);
      expect(await store.enqueueUpdate('s1', 'tp1', T + 1)).toBe(0);
      await store.commitCycle({
        cycle: 2,
        day: 1,
        signalIds: ['s2'],
        deliveries: [delivery('s2', sub.id, channel.id, 3, [hook])],
        skips: [],
        now: T + 2,
      });
      expect((await store.claimDue(T + 5, 1, 60_000, ['webhook'])).map((r) => [r.signalId, r.event])).toEqual(
        [['s2', 'signal']],
      );
      await store.markDelivered(
        { outboxId: original.id, startedAt: T, finishedAt: T + 10_000, ok: true, status: 200, error: null },
        'm1',
      );
      const [update] = await store.claimDue(T + 10_001, 5, 60_000, ['webhook']);
      expect(update).toMatchObject({
        signalId: 's1',
        event: 'tp1',
        parentExternalId: 'm1',
        reservationId: null,
      });
      expect((await store.openSentSignals()).map((s) => s.signal.id)).toEqual(['s1', 's2']);
      const history = await store.history(sub.id, 10);
      expect(history.map((x) => [x.signal.id, x.channelSlug, x.destinations, x.acked])).toEqual([
        ['s2', 'momentum', [{ kind: 'webhook', state: 'sending' }], false],
        ['s1', 'momentum', [{ kind: 'webhook', state: 'delivered' }], false],
      ]);
      expect((await store.unconsideredSignals(0, 10)).map((s) => s.id)).toEqual([]);
    });

    it('two relays on two connections, claiming at once, never get the same row', async () => {
      const o = await setup(await h.open());
      const { store, signals, channel, sub } = o;
      const ids = Array.from({ length: 40 }, (_, i) => `c${String(i).padStart(2, '0')}`);
      await signals.commit(
        null,
        ids.map((id) => ({ type: 'signal.created' as const, signal: testSignal({ id }) })),
      );
      await store.topUp(sub.id, 40, '', T);
      const r = await store.commitCycle({
        cycle: 1,
        day: 1,
        signalIds: ids,
        deliveries: ids.map((id) => delivery(id, sub.id, channel.id, 1, [hook, slack])),
        skips: [],
        now: T,
      });
      expect(r.enqueued).toBe(80);
      const second = await o.reopen();
      const relay = async (s: DeliveryStore) => {
        const got: number[] = [];
        // several claims in flight per relay, as a runner with concurrency would have
        const worker = async () => {
          for (;;) {
            const batch = await s.claimDue(T, 3, 60_000, ['webhook', 'slack']);
            if (batch.length === 0) return;
            got.push(...batch.map((x) => x.id));
          }
        };
        await Promise.all([worker(), worker(), worker()]);
        return got;
      };
      const [a, b] = await Promise.all([relay(store), relay(second.store)]);
      const all = [...a, ...b];
      expect(all.length).toBe(80);
      expect(new Set(all).size).toBe(80);
      expect(await store.outboxCounts()).toMatchObject({ pending: 0, sending: 80 });
      // each row's delivery settles its reservation once, whichever relay reports it
      await Promise.all(
        all.map((id, i) =>
          (i % 2 ? store : second.store).markDelivered(
            { outboxId: id, startedAt: T, finishedAt: T + 1, ok: true, status: 200, error: null },
            null,
          ),
        ),
      );
      expect(await checkBooks(o, sub.id)).toMatchObject({ balance: 0, charged: 40, openReservations: 0 });
    });

    it('property: under random top-ups, deliveries, successes, failures and restarts the ledger stays balanced and never negative', async () => {
      const Op = fc.oneof(
        fc.record({ op: fc.constant('topup' as const), amount: fc.integer({ min: 1, max: 20 }) }),
        fc.record({
          op: fc.constant('deliver' as const),
          price: fc.integer({ min: 0, max: 7 }),
          two: fc.boolean(),
        }),
        fc.record({
          op: fc.constant('settle' as const),
          pick: fc.nat(),
          outcome: fc.constantFrom('ok', 'retry', 'dead'),
        }),
        fc.constant({ op: 'restart' as const }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(Op, { maxLength: 40 }), async (ops) => {
          let o = await setup(await h.open());
          let n = 0;
          for (const op of ops) {
            const { store, channel, sub } = o;
            if (op.op === 'topup') await store.topUp(sub.id, op.amount, '', T);
            else if (op.op === 'deliver') {
              n++;
              await store.commitCycle({
                cycle: n,
                day: 1,
                signalIds: [`s${n}`],
                deliveries: [
                  delivery(`s${n}`, sub.id, channel.id, op.price, op.two ? [hook, slack] : [hook]),
                ],
                skips: [],
                now: T,
              });
            } else if (op.op === 'settle') {
              const open = (await store.outbox({ limit: 1000 })).filter(
                (r) => r.state === 'pending' || r.state === 'retrying',
              );
              if (open.length === 0) continue;
              const row = open[op.pick % open.length];
              const a = {
                outboxId: row.id,
                startedAt: T,
                finishedAt: T,
                ok: op.outcome === 'ok',
                status: null,
                error: null,
              };
              if (op.outcome === 'ok') await store.markDelivered(a, null);
              else await store.markFailed(a, op.outcome === 'retry' ? T + 1 : null);
            } else {
              await o.close();
              const again = await o.reopen();
              o = {
                ...again,
                channel: must(await again.store.getChannel('momentum')),
                sub: must(await again.store.getSubscriber(sub.id)),
              };
            }
            const audit = await checkBooks(o, o.sub.id);
            // a reservation is settled exactly when all its rows are final: charged iff one was delivered
            const res = await o.query<{ ok: number; open: number; settled: string | null }>(
              `SELECT r.id, SUM(CASE WHEN o.state = 'delivered' THEN 1 ELSE 0 END) AS ok,
                 SUM(CASE WHEN o.state IN ('pending', 'retrying', 'sending') THEN 1 ELSE 0 END) AS open,
                 (SELECT kind FROM delivery_ledger WHERE reservation_id = r.id) AS settled
               FROM delivery_ledger r JOIN delivery_outbox o ON o.reservation_id = r.id WHERE r.kind = 'reserve' GROUP BY r.id`,
            );
            for (const r of res) {
              if (r.ok > 0) expect(r.settled).toBe('charge');
              else if (r.open > 0) expect(r.settled).toBeNull();
              else expect(r.settled).toBe('release');
            }
            expect(audit.openReservations).toBe(res.filter((r) => r.settled === null).length);
          }
          await h.cleanup();
        }),
        { numRuns: h.propertyRuns },
      );
    });
  });
}
