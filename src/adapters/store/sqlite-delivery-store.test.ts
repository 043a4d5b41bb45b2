import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNEL } from '../../../test/support/delivery.js';
import { testSignal } from '../../../test/support/signals.js';
import { auditLedger } from '../../core/delivery/ledger.js';
import type { PlannedDelivery } from '../../core/delivery/plan.js';
import type { Destination } from '../../core/delivery/types.js';
import { openSqlite, type SqliteDatabase } from './sqlite-database.js';
import { SqliteDeliveryStore } from './sqlite-delivery-store.js';
import { SqliteSignalStore } from './sqlite-signal-store.js';
import { DeliveryStoreError } from './store-errors.js';

const T = Date.UTC(2025, 5, 1, 12);
const hook: Destination = { kind: 'webhook', target: 'http://127.0.0.1:9/h', secret: 's3cret', active: true };
const slack: Destination = { kind: 'slack', target: 'http://127.0.0.1:9/s', secret: null, active: true };

async function setup(db: SqliteDatabase = openSqlite(':memory:')) {
  const store = new SqliteDeliveryStore(db);
  const channel = await store.createChannel({ ...CHANNEL, price: 3 }, T);
  const sub = await store.createSubscriber(
    { name: 'ann', strategies: ['momentum'], destinations: [hook, slack], apiKeyHash: 'h1', linkCode: 'c1' },
    T,
  );
  return { db, store, channel, sub };
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
function checkBooks(db: SqliteDatabase, subscriberId: number) {
  const { balance } = db
    .prepare('SELECT balance FROM delivery_subscribers WHERE id = ?')
    .get(subscriberId) as { balance: number };
  const rows = db
    .prepare(
      'SELECT id, subscriber_id AS subscriberId, kind, amount, reservation_id AS reservationId, created_at AS createdAt FROM delivery_ledger WHERE subscriber_id = ?',
    )
    .all(subscriberId) as Parameters<typeof auditLedger>[0][number][];
  const audit = auditLedger(rows);
  expect(audit.problems).toEqual([]);
  expect(audit.balance).toBe(balance);
  expect(balance).toBeGreaterThanOrEqual(0);
  return audit;
}

describe('SqliteDeliveryStore', () => {
  it('migrates to version 5 (delivery) and refuses a second channel with the same slug', async () => {
    const { db, store } = await setup();
    const versions = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(versions).toContainEqual({ version: 5, name: 'delivery' });
    const existing = await store.getChannel('momentum');
    expect(existing).not.toBeNull();
    if (existing) await expect(store.createChannel(existing, T)).rejects.toBeInstanceOf(DeliveryStoreError);
  });

  it('reserves in one transaction with the outbox rows, charges once on the first delivered destination', async () => {
    const { db, store, channel, sub } = await setup();
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
    expect(checkBooks(db, sub.id)).toMatchObject({ balance: 2, reserved: 3, openReservations: 1 });
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
    expect(checkBooks(db, sub.id)).toMatchObject({ balance: 2, reserved: 0, charged: 3, released: 0 });
  });

  it('releases a reservation only when every destination of it is dead', async () => {
    const { db, store, channel, sub } = await setup();
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
    expect(checkBooks(db, sub.id)).toMatchObject({ balance: 0, openReservations: 1 });
    await store.markFailed(fail(b.id), T + 10_000);
    expect((await store.outbox({ state: 'retrying', limit: 10 })).map((x) => x.id)).toEqual([b.id]);
    await store.markFailed(fail(b.id), null);
    expect(checkBooks(db, sub.id)).toMatchObject({ balance: 3, released: 3, openReservations: 0 });
    expect((await store.attempts(b.id)).map((x) => x.attempt)).toEqual([1, 2]);
  });

  it('an update waits for its original; updates behind an original being retried do not hold up other rows', async () => {
    const { db, store, channel, sub } = await setup();
    const signals = new SqliteSignalStore(db);
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
    const [original] = await store.claimDue(T, 10, 60_000, ['webhook']);
    await store.markFailed(
      { outboxId: original.id, startedAt: T, finishedAt: T, ok: false, status: 500, error: 'HTTP 500' },
      T + 10_000,
    );
    expect(await store.enqueueUpdate('s1', 'tp1', T + 1)).toBe(1);
    await store.commitCycle({
      cycle: 2,
      day: 1,
      signalIds: ['s2'],
      deliveries: [delivery('s2', sub.id, channel.id, 3, [hook])],
      skips: [],
      now: T + 2,
    });
    expect((await store.claimDue(T + 5, 1, 60_000, ['webhook'])).map((r) => [r.signalId, r.event])).toEqual([
      ['s2', 'signal'],
    ]);
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
  });

  it('property: under random top-ups, deliveries, successes, failures and restarts the ledger stays balanced and never negative', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-ledger-'));
    let run = 0;
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
        const path = join(dir, `l${run++}.db`);
        let db = openSqlite(path);
        let { store, channel, sub } = await setup(db);
        let n = 0;
        for (const o of ops) {
          if (o.op === 'topup') await store.topUp(sub.id, o.amount, '', T);
          else if (o.op === 'deliver') {
            n++;
            await store.commitCycle({
              cycle: n,
              day: 1,
              signalIds: [`s${n}`],
              deliveries: [delivery(`s${n}`, sub.id, channel.id, o.price, o.two ? [hook, slack] : [hook])],
              skips: [],
              now: T,
            });
          } else if (o.op === 'settle') {
            const open = (await store.outbox({ limit: 1000 })).filter(
              (r) => r.state === 'pending' || r.state === 'retrying',
            );
            if (open.length === 0) continue;
            const row = open[o.pick % open.length];
            const a = {
              outboxId: row.id,
              startedAt: T,
              finishedAt: T,
              ok: o.outcome === 'ok',
              status: null,
              error: null,
            };
            if (o.outcome === 'ok') await store.markDelivered(a, null);
            else await store.markFailed(a, o.outcome === 'retry' ? T + 1 : null);
          } else {
            db.close();
            db = openSqlite(path);
            store = new SqliteDeliveryStore(db);
            channel = must(await store.getChannel('momentum'));
            sub = must(await store.getSubscriber(sub.id));
          }
          const audit = checkBooks(db, sub.id);
          // a reservation is settled exactly when all its rows are final: charged iff one was delivered
          const res = db
            .prepare(
              `SELECT r.id, SUM(o.state = 'delivered') AS ok, SUM(o.state IN ('pending','retrying','sending')) AS open,
                 (SELECT kind FROM delivery_ledger WHERE reservation_id = r.id) AS settled
               FROM delivery_ledger r JOIN delivery_outbox o ON o.reservation_id = r.id WHERE r.kind = 'reserve' GROUP BY r.id`,
            )
            .all() as { ok: number; open: number; settled: string | null }[];
          for (const r of res) {
            if (r.ok > 0) expect(r.settled).toBe('charge');
            else if (r.open > 0) expect(r.settled).toBeNull();
            else expect(r.settled).toBe('release');
          }
          expect(audit.openReservations).toBe(res.filter((r) => r.settled === null).length);
        }
        db.close();
      }),
      { numRuns: 60 },
    );
  });
});
