import type pg from 'pg';
import { deliveryKey } from '../../core/delivery/events.js';
import type { AudienceEntry } from '../../core/delivery/plan.js';
import type {
  Channel,
  DeliveryEvent,
  Destination,
  DestinationKind,
  OutboxState,
  Subscriber,
  Subscription,
} from '../../core/delivery/types.js';
import type { Outcome } from '../../core/outcomes/types.js';
import type { Signal } from '../../core/signals/types.js';
import {
  type Attempt,
  type AttemptRecord,
  type ChannelInput,
  type ChannelPatch,
  type CycleCommit,
  type CycleResult,
  type DeliveryHistoryItem,
  type DeliveryStore,
  DeliveryStoreError,
  type LedgerFilter,
  type LedgerRow,
  type OutboxCounts,
  type OutboxFilter,
  type OutboxItem,
  type OutboxRow,
  type SentSignal,
  type SkipRow,
  type StrategyProduct,
  type SubscriberInput,
  type SubscriberPatch,
  type SubscriptionInput,
} from './delivery-port.js';
import {
  type AttemptTableRecord,
  attemptOf,
  audienceOf,
  type ChannelRecord,
  type ClaimedRecord,
  channelOf,
  channelParams,
  claimedItems,
  type DestinationRecord,
  destinationsBySubscriber,
  json,
  type LedgerRecord,
  ledgerOf,
  OUTBOX_COLUMNS,
  type OutboxRecord,
  outboxOf,
  type SentCount,
  type SkipRecord,
  type SubscriberRecord,
  type SubscriptionRecord,
  sentSignalOf,
  skipOf,
  subscriberOf,
  subscriptionOf,
  tradeOf,
} from './delivery-rows.js';
import type { TradeRow } from './ports.js';
import type { PostgresDatabase } from './postgres-database.js';

/** Anything that runs a query: the pool (one statement) or a client inside a transaction. */
type Runner = Pick<pg.PoolClient, 'query'>;

/** The real outcome of the signal `s`, in the partition of its month. */
const REAL_OUTCOME = 'oc.signal_id = s.id AND NOT oc.shadow AND oc.created_at = s.created_at';

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(e: unknown): boolean {
  return e instanceof Error && (e as { code?: unknown }).code === UNIQUE_VIOLATION;
}

interface ProductRecord {
  strategy: string;
  name: string;
  description: string;
  created_at: number;
}

const productOf = (r: ProductRecord): StrategyProduct => ({
  strategy: r.strategy,
  name: r.name,
  description: r.description,
  createdAt: r.created_at,
});

/**
 * The delivery tables in PostgreSQL (schema version 5, the twin of SQLite's), with the same
 * semantics as `SqliteDeliveryStore`. What SQLite gets from having one writer, this store gets
 * from row locks:
 * - the subscriber's row is locked (`FOR UPDATE`) before its balance is read for a reservation,
 *   and the `CHECK (balance >= 0)` refuses whatever slips past, so the ledger never goes negative;
 * - a cycle's reservations, outbox rows, skips and considered signals are one transaction;
 * - relays claim due rows with `FOR UPDATE SKIP LOCKED`: two relays (two processes) never lease
 *   the same row, and neither waits for the other;
 * - marking a row delivered or failed locks the row and then its reservation, so two rows of
 *   one reservation settling at once charge or release it exactly once.
 */
export class PostgresDeliveryStore implements DeliveryStore {
  constructor(readonly db: PostgresDatabase) {}

  private async rows<R>(sql: string, params: readonly unknown[] = [], on?: Runner): Promise<R[]> {
    if (on) return (await on.query(sql, [...params])).rows as R[];
    return this.db.query<R>(sql, params);
  }

  private async first<R>(sql: string, params: readonly unknown[] = [], on?: Runner): Promise<R | undefined> {
    return (await this.rows<R>(sql, params, on))[0];
  }

  private async changes(sql: string, params: readonly unknown[], on?: Runner): Promise<number> {
    if (on) return (await on.query(sql, [...params])).rowCount ?? 0;
    return this.db.run(async (c) => (await c.query(sql, [...params])).rowCount ?? 0);
  }

  private tx<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.db.transaction((c) => work(c));
  }

  // ---------------------------------------------------------------------------------------
  // products, channels

  async upsertProduct(p: Omit<StrategyProduct, 'createdAt'>, now: number): Promise<StrategyProduct> {
    const r = await this.first<ProductRecord>(
      `INSERT INTO delivery_products (strategy, name, description, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (strategy) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description
       RETURNING *`,
      [p.strategy, p.name, p.description, now],
    );
    if (!r) throw new DeliveryStoreError(`product ${p.strategy} was not written`, 'invalid');
    return productOf(r);
  }

  async listProducts(): Promise<StrategyProduct[]> {
    return (
      await this.rows<ProductRecord>('SELECT * FROM delivery_products ORDER BY strategy COLLATE "C"')
    ).map(productOf);
  }

  async createChannel(c: ChannelInput, now: number): Promise<Channel> {
    const conflict = () => new DeliveryStoreError(`channel ${c.slug} exists already`, 'conflict');
    if (await this.first('SELECT 1 FROM delivery_channels WHERE slug = $1', [c.slug])) throw conflict();
    try {
      await this.changes(
        `INSERT INTO delivery_channels (slug, name, strategies, symbols, timeframe, min_confidence, max_daily_events,
           price, destinations, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [c.slug, ...channelParams(c), now],
      );
    } catch (e) {
      // made by another process between the check and the insert
      if (isUniqueViolation(e)) throw conflict();
      throw e;
    }
    return (await this.getChannel(c.slug)) as Channel;
  }

  async updateChannel(slug: string, patch: ChannelPatch): Promise<Channel | null> {
    const current = await this.getChannel(slug);
    if (!current) return null;
    const c = { ...current, ...patch };
    await this.changes(
      `UPDATE delivery_channels SET name = $1, strategies = $2, symbols = $3, timeframe = $4, min_confidence = $5,
         max_daily_events = $6, price = $7, destinations = $8, active = $9 WHERE slug = $10`,
      [...channelParams(c), slug],
    );
    return this.getChannel(slug);
  }

  async getChannel(slug: string): Promise<Channel | null> {
    const r = await this.first<ChannelRecord>('SELECT * FROM delivery_channels WHERE slug = $1', [slug]);
    return r ? channelOf(r) : null;
  }

  async listChannels(): Promise<Channel[]> {
    return (await this.rows<ChannelRecord>('SELECT * FROM delivery_channels ORDER BY slug COLLATE "C"')).map(
      channelOf,
    );
  }

  // ---------------------------------------------------------------------------------------
  // subscribers

  private async destinationsOf(id: number | null): Promise<Map<number, Destination[]>> {
    const rows =
      id === null
        ? await this.rows<DestinationRecord>(
            'SELECT * FROM delivery_destinations ORDER BY subscriber_id, kind COLLATE "C"',
          )
        : await this.rows<DestinationRecord>(
            'SELECT * FROM delivery_destinations WHERE subscriber_id = $1 ORDER BY kind COLLATE "C"',
            [id],
          );
    return destinationsBySubscriber(rows);
  }

  private async one(r: SubscriberRecord | undefined): Promise<Subscriber | null> {
    return r ? subscriberOf(r, await this.destinationsOf(r.id)) : null;
  }

  private async writeDestinations(
    c: Runner,
    id: number,
    destinations: readonly Destination[],
  ): Promise<void> {
    await c.query('DELETE FROM delivery_destinations WHERE subscriber_id = $1', [id]);
    for (const d of destinations)
      await c.query(
        'INSERT INTO delivery_destinations (subscriber_id, kind, target, secret, active) VALUES ($1, $2, $3, $4, $5)',
        [id, d.kind, d.target, d.secret, d.active ? 1 : 0],
      );
  }

  async createSubscriber(s: SubscriberInput, now: number): Promise<Subscriber> {
    const id = await this.tx(async (c) => {
      const r = await this.first<{ id: number }>(
        `INSERT INTO delivery_subscribers (name, strategies, balance, api_key_hash, link_code, active, created_at)
         VALUES ($1, $2, 0, $3, $4, 1, $5) RETURNING id`,
        [s.name, json(s.strategies), s.apiKeyHash, s.linkCode, now],
        c,
      );
      if (!r) throw new DeliveryStoreError('the subscriber was not written', 'invalid');
      await this.writeDestinations(c, r.id, s.destinations);
      return r.id;
    });
    return (await this.getSubscriber(id)) as Subscriber;
  }

  async updateSubscriber(id: number, patch: SubscriberPatch): Promise<Subscriber | null> {
    const current = await this.getSubscriber(id);
    if (!current) return null;
    await this.tx(async (c) => {
      await c.query('UPDATE delivery_subscribers SET name = $1, strategies = $2, active = $3 WHERE id = $4', [
        patch.name ?? current.name,
        json(patch.strategies ?? current.strategies),
        (patch.active ?? current.active) ? 1 : 0,
        id,
      ]);
      if (patch.destinations) await this.writeDestinations(c, id, patch.destinations);
    });
    return this.getSubscriber(id);
  }

  async getSubscriber(id: number): Promise<Subscriber | null> {
    return this.one(
      await this.first<SubscriberRecord>('SELECT * FROM delivery_subscribers WHERE id = $1', [id]),
    );
  }

  async listSubscribers(): Promise<Subscriber[]> {
    const dest = await this.destinationsOf(null);
    return (await this.rows<SubscriberRecord>('SELECT * FROM delivery_subscribers ORDER BY id')).map((r) =>
      subscriberOf(r, dest),
    );
  }

  async subscriberByKeyHash(hash: string): Promise<Subscriber | null> {
    return this.one(
      await this.first<SubscriberRecord>('SELECT * FROM delivery_subscribers WHERE api_key_hash = $1', [
        hash,
      ]),
    );
  }

  async subscriberByTelegramChat(chatId: string): Promise<Subscriber | null> {
    return this.one(
      await this.first<SubscriberRecord>(
        `SELECT s.* FROM delivery_subscribers s JOIN delivery_destinations d ON d.subscriber_id = s.id
         WHERE d.kind = 'telegram' AND d.target = $1 ORDER BY s.id LIMIT 1`,
        [chatId],
      ),
    );
  }

  async linkTelegramChat(code: string, chatId: string): Promise<Subscriber | null> {
    const id = await this.tx(async (c) => {
      // the code is used up once, even by two chats claiming it at once
      const r = await this.first<{ id: number }>(
        'UPDATE delivery_subscribers SET link_code = NULL WHERE link_code = $1 RETURNING id',
        [code],
        c,
      );
      if (!r) return null;
      await c.query(
        `INSERT INTO delivery_destinations (subscriber_id, kind, target, secret, active) VALUES ($1, 'telegram', $2, NULL, 1)
         ON CONFLICT (subscriber_id, kind) DO UPDATE SET target = EXCLUDED.target, active = 1, inactive_reason = NULL`,
        [r.id, chatId],
      );
      return r.id;
    });
    return id === null ? null : this.getSubscriber(id);
  }

  async setApiKeyHash(id: number, hash: string): Promise<boolean> {
    return (
      (await this.changes('UPDATE delivery_subscribers SET api_key_hash = $1 WHERE id = $2', [hash, id])) > 0
    );
  }

  async deactivateDestination(kind: DestinationKind, target: string, reason: string): Promise<number> {
    return this.changes(
      'UPDATE delivery_destinations SET active = 0, inactive_reason = $1 WHERE kind = $2 AND target = $3 AND active = 1',
      [reason, kind, target],
    );
  }

  // ---------------------------------------------------------------------------------------
  // subscriptions

  async subscribe(s: SubscriptionInput, now: number): Promise<Subscription> {
    const r = await this.first<SubscriptionRecord>(
      `INSERT INTO delivery_subscriptions (subscriber_id, channel_id, symbols, timeframe, min_confidence,
         max_daily_events, destinations, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (subscriber_id, channel_id) DO UPDATE SET symbols = EXCLUDED.symbols, timeframe = EXCLUDED.timeframe,
         min_confidence = EXCLUDED.min_confidence, max_daily_events = EXCLUDED.max_daily_events,
         destinations = EXCLUDED.destinations
       RETURNING *`,
      [
        s.subscriberId,
        s.channelId,
        s.symbols === null ? null : json(s.symbols),
        s.timeframe,
        s.minConfidence,
        s.maxDailyEvents,
        s.destinations === null ? null : json(s.destinations),
        now,
      ],
    );
    if (!r) throw new DeliveryStoreError('the subscription was not written', 'invalid');
    return subscriptionOf(r);
  }

  async unsubscribe(subscriberId: number, channelId: number): Promise<boolean> {
    return (
      (await this.changes('DELETE FROM delivery_subscriptions WHERE subscriber_id = $1 AND channel_id = $2', [
        subscriberId,
        channelId,
      ])) > 0
    );
  }

  async listSubscriptions(filter: { subscriberId?: number; channelId?: number }): Promise<Subscription[]> {
    const w = new Where();
    w.eq('subscriber_id', filter.subscriberId);
    w.eq('channel_id', filter.channelId);
    const rows = await this.rows<SubscriptionRecord>(
      `SELECT * FROM delivery_subscriptions ${w.sql} ORDER BY subscriber_id, channel_id`,
      w.params,
    );
    return rows.map(subscriptionOf);
  }

  // ---------------------------------------------------------------------------------------
  // ledger

  /** One ledger row and the balance it moves, inside the caller's transaction. */
  private async post(
    c: Runner,
    subscriberId: number,
    kind: LedgerRow['kind'],
    amount: number,
    reservationId: number | null,
    signalId: string | null,
    note: string,
    now: number,
  ): Promise<number> {
    // the CHECK (balance >= 0) refuses a movement the balance does not cover
    await c.query('UPDATE delivery_subscribers SET balance = balance + $1 WHERE id = $2', [
      amount,
      subscriberId,
    ]);
    const r = await this.first<{ id: number }>(
      `INSERT INTO delivery_ledger (subscriber_id, kind, amount, reservation_id, signal_id, note, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [subscriberId, kind, amount, reservationId, signalId, note, now],
      c,
    );
    if (!r) throw new DeliveryStoreError('the ledger row was not written', 'invalid');
    return r.id;
  }

  async topUp(subscriberId: number, amount: number, note: string, now: number): Promise<LedgerRow> {
    if (!(Number.isSafeInteger(amount) && amount > 0))
      throw new DeliveryStoreError(
        `amount must be a whole number of credits above 0 (got ${amount})`,
        'invalid',
      );
    if (!(await this.first('SELECT 1 FROM delivery_subscribers WHERE id = $1', [subscriberId])))
      throw new DeliveryStoreError(`no subscriber ${subscriberId}`, 'not_found');
    const id = await this.tx((c) => this.post(c, subscriberId, 'topup', amount, null, null, note, now));
    return ledgerOf(
      (await this.first<LedgerRecord>('SELECT * FROM delivery_ledger WHERE id = $1', [id])) as LedgerRecord,
    );
  }

  async ledger(filter: LedgerFilter): Promise<LedgerRow[]> {
    const w = new Where();
    w.eq('subscriber_id', filter.subscriberId);
    w.cmp('id', '<', filter.beforeId);
    const rows = await this.rows<LedgerRecord>(
      `SELECT * FROM delivery_ledger ${w.sql} ORDER BY id DESC LIMIT ${w.bind(filter.limit)}`,
      w.params,
    );
    return rows.map(ledgerOf);
  }

  // ---------------------------------------------------------------------------------------
  // the engine's side

  async getState(key: string): Promise<string | null> {
    const r = await this.first<{ value: string }>('SELECT value FROM delivery_state WHERE key = $1', [key]);
    return r?.value ?? null;
  }

  async setState(key: string, value: string): Promise<void> {
    await this.changes(
      'INSERT INTO delivery_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
      [key, value],
    );
  }

  async latestSignalTime(): Promise<number | null> {
    const r = await this.first<{ t: number | null }>('SELECT MAX(created_at) AS t FROM signals');
    return r?.t ?? null;
  }

  async unconsideredSignals(since: number, limit: number): Promise<Signal[]> {
    const rows = await this.rows<{ body: string }>(
      `SELECT s.body FROM signals s LEFT JOIN delivery_considered d ON d.signal_id = s.id
       WHERE d.signal_id IS NULL AND s.created_at > $1 ORDER BY s.created_at, s.id LIMIT $2`,
      [since, limit],
    );
    return rows.map((r) => JSON.parse(r.body) as Signal);
  }

  async audience(day: number, cycle: number): Promise<AudienceEntry[]> {
    const subs = await this.rows<SubscriptionRecord>(
      `SELECT t.* FROM delivery_subscriptions t JOIN delivery_channels c ON c.id = t.channel_id
       WHERE c.active = 1 ORDER BY t.subscriber_id, t.channel_id`,
    );
    if (subs.length === 0) return [];
    const subscribers = new Map((await this.listSubscribers()).map((s) => [s.id, s]));
    const sent = await this.rows<SentCount>(
      `SELECT subscriber_id AS "subscriberId", channel_id AS "channelId", COUNT(DISTINCT signal_id) AS today,
         bool_or(cycle = $1) AS "inCycle"
       FROM delivery_outbox WHERE event = 'signal' AND day = $2 GROUP BY subscriber_id, channel_id`,
      [cycle, day],
    );
    return audienceOf(subs, subscribers, sent);
  }

  async alreadySent(signalIds: readonly string[]): Promise<Map<number, Set<string>>> {
    const out = new Map<number, Set<string>>();
    if (signalIds.length === 0) return out;
    const rows = await this.rows<{ subscriber_id: number; signal_id: string }>(
      `SELECT DISTINCT subscriber_id, signal_id FROM delivery_outbox WHERE signal_id = ANY($1::text[]) AND event = 'signal'`,
      [[...new Set(signalIds)]],
    );
    for (const r of rows) {
      const set = out.get(r.subscriber_id) ?? new Set<string>();
      set.add(r.signal_id);
      out.set(r.subscriber_id, set);
    }
    return out;
  }

  async commitCycle(cc: CycleCommit): Promise<CycleResult> {
    return this.tx(async (c) => {
      let enqueued = 0;
      let duplicates = 0;
      let refused = 0;
      if (cc.signalIds.length)
        await c.query(
          `INSERT INTO delivery_considered (signal_id, cycle, considered_at)
           SELECT id, $2, $3 FROM unnest($1::text[]) AS id ON CONFLICT (signal_id) DO NOTHING`,
          [[...cc.signalIds], cc.cycle, cc.now],
        );
      const skip = (
        signalId: string,
        subscriberId: number,
        channelId: number,
        reason: string,
        detail: string,
      ) =>
        c.query(
          `INSERT INTO delivery_skips (signal_id, subscriber_id, channel_id, reason, detail, created_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          [signalId, subscriberId, channelId, reason, detail, cc.now],
        );
      for (const d of cc.deliveries) {
        const keys = d.destinations.map((dest) =>
          deliveryKey(d.signal.id, d.subscriberId, dest.kind, 'signal'),
        );
        if (
          await this.first('SELECT 1 FROM delivery_outbox WHERE key = ANY($1::text[]) LIMIT 1', [keys], c)
        ) {
          duplicates++;
          continue;
        }
        // the subscriber's row stays locked until the cycle commits: no other writer moves the
        // balance between this read and the reservation
        const have =
          (
            await this.first<{ balance: number }>(
              'SELECT balance FROM delivery_subscribers WHERE id = $1 FOR UPDATE',
              [d.subscriberId],
              c,
            )
          )?.balance ?? 0;
        if (have < d.price) {
          refused++;
          await skip(
            d.signal.id,
            d.subscriberId,
            d.channelId,
            'no_credits',
            `balance ${have}, price ${d.price}`,
          );
          continue;
        }
        const reservation =
          d.price > 0
            ? await this.post(
                c,
                d.subscriberId,
                'reserve',
                -d.price,
                null,
                d.signal.id,
                `channel ${d.channelId}`,
                cc.now,
              )
            : null;
        for (const [i, dest] of d.destinations.entries()) {
          await c.query(
            `INSERT INTO delivery_outbox (key, signal_id, subscriber_id, channel_id, destination, target, event, parent_id,
               reservation_id, cycle, day, state, attempts, next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'signal', NULL, $7, $8, $9, 'pending', 0, $10, $10)`,
            [
              keys[i],
              d.signal.id,
              d.subscriberId,
              d.channelId,
              dest.kind,
              dest.target,
              reservation,
              cc.cycle,
              cc.day,
              cc.now,
            ],
          );
          enqueued++;
        }
      }
      for (const s of cc.skips) await skip(s.signalId, s.subscriberId, s.channelId, s.reason, s.detail);
      return { enqueued, duplicates, refused };
    });
  }

  async enqueueUpdate(signalId: string, event: DeliveryEvent, now: number): Promise<number> {
    return this.tx(async (c) => {
      const parents = await this.rows<{
        id: number;
        subscriber_id: number;
        channel_id: number;
        destination: DestinationKind;
        target: string;
        cycle: number;
        day: number;
      }>(
        `SELECT id, subscriber_id, channel_id, destination, target, cycle, day FROM delivery_outbox
         WHERE signal_id = $1 AND event = 'signal' AND state != 'dead' ORDER BY id`,
        [signalId],
        c,
      );
      let n = 0;
      for (const p of parents) {
        const key = deliveryKey(signalId, p.subscriber_id, p.destination, event);
        const r = await c.query(
          `INSERT INTO delivery_outbox (key, signal_id, subscriber_id, channel_id, destination, target, event, parent_id,
             reservation_id, cycle, day, state, attempts, next_attempt_at, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10, 'pending', 0, $11, $11) ON CONFLICT (key) DO NOTHING`,
          [
            key,
            signalId,
            p.subscriber_id,
            p.channel_id,
            p.destination,
            p.target,
            event,
            p.id,
            p.cycle,
            p.day,
            now,
          ],
        );
        n += r.rowCount ?? 0;
      }
      return n;
    });
  }

  async openSentSignals(): Promise<SentSignal[]> {
    const rows = await this.rows<{ body: string; outcome: string | null }>(
      `SELECT s.body AS body, oc.body AS outcome FROM signals s
       LEFT JOIN outcomes oc ON ${REAL_OUTCOME}
       WHERE s.id IN (SELECT signal_id FROM delivery_outbox WHERE event = 'signal' AND state != 'dead')
         AND s.id NOT IN (SELECT signal_id FROM delivery_outbox WHERE event = 'closed')
       ORDER BY s.created_at, s.id`,
    );
    return rows.map(sentSignalOf);
  }

  // ---------------------------------------------------------------------------------------
  // relays

  async claimDue(
    now: number,
    limit: number,
    leaseMs: number,
    kinds: readonly DestinationKind[],
  ): Promise<OutboxItem[]> {
    if (kinds.length === 0) return [];
    return this.tx(async (c) => {
      // An update waits for its original (delivered or dead); updates of originals still being
      // retried are left out, so that they cannot hold up the rows behind them. The due rows by
      // index first (waiting rows by next attempt, leased rows by lease end), each branch
      // locking what it takes and skipping rows another relay holds: two relays never get the
      // same row. Rows locked here beyond the final LIMIT are let go at commit, still due.
      const ready = `(o.parent_id IS NULL OR EXISTS (SELECT 1 FROM delivery_outbox p
        WHERE p.id = o.parent_id AND p.state IN ('delivered', 'dead')))`;
      const due = await this.rows<{ id: number }>(
        `WITH waiting AS (
           SELECT o.id AS id, o.next_attempt_at AS t FROM delivery_outbox o
             WHERE o.state IN ('pending', 'retrying') AND o.next_attempt_at <= $1 AND o.destination = ANY($2::text[])
               AND ${ready}
             ORDER BY o.next_attempt_at, o.id LIMIT $3 FOR UPDATE OF o SKIP LOCKED),
         leased AS (
           SELECT o.id AS id, o.lease_until AS t FROM delivery_outbox o
             WHERE o.state = 'sending' AND o.lease_until <= $1 AND o.destination = ANY($2::text[]) AND ${ready}
             ORDER BY o.lease_until, o.id LIMIT $3 FOR UPDATE OF o SKIP LOCKED)
         SELECT id, t FROM waiting UNION ALL SELECT id, t FROM leased
         ORDER BY t, id LIMIT $3`,
        [now, [...kinds], limit],
        c,
      );
      if (due.length === 0) return [];
      const found = await this.rows<ClaimedRecord>(
        `SELECT ${OUTBOX_COLUMNS}, s.body AS signal_body, oc.body AS outcome_body, c.name AS channel_name,
           d.secret AS secret, p.external_id AS parent_external_id, p.state AS parent_state
         FROM delivery_outbox o
         JOIN delivery_channels c ON c.id = o.channel_id
         JOIN signals s ON s.id = o.signal_id
         LEFT JOIN outcomes oc ON ${REAL_OUTCOME}
         LEFT JOIN delivery_destinations d ON d.subscriber_id = o.subscriber_id AND d.kind = o.destination
         LEFT JOIN delivery_outbox p ON p.id = o.parent_id
         WHERE o.id = ANY($1::bigint[])`,
        [due.map((r) => r.id)],
        c,
      );
      const byId = new Map(found.map((r) => [r.id, r]));
      const rows: ClaimedRecord[] = [];
      for (const { id } of due) {
        const r = byId.get(id);
        if (r) rows.push(r);
      }
      if (rows.length === 0) return [];
      await c.query(
        "UPDATE delivery_outbox SET state = 'sending', lease_until = $1 WHERE id = ANY($2::bigint[])",
        [now + leaseMs, rows.map((r) => r.id)],
      );
      return claimedItems(rows);
    });
  }

  async extendLeases(ids: readonly number[], until: number): Promise<void> {
    if (ids.length === 0) return;
    await this.changes(
      "UPDATE delivery_outbox SET lease_until = $1 WHERE id = ANY($2::bigint[]) AND state = 'sending'",
      [until, [...ids]],
    );
  }

  async nextDueAt(kinds: readonly DestinationKind[]): Promise<number | null> {
    if (kinds.length === 0) return null;
    const r = await this.first<{ t: number | null }>(
      `SELECT MIN(t) AS t FROM (
         SELECT MIN(next_attempt_at) AS t FROM delivery_outbox WHERE state = 'pending' AND destination = ANY($1::text[])
         UNION ALL SELECT MIN(next_attempt_at) FROM delivery_outbox WHERE state = 'retrying' AND destination = ANY($1::text[])
         UNION ALL SELECT MIN(lease_until) FROM delivery_outbox WHERE state = 'sending' AND destination = ANY($1::text[])) AS m`,
      [[...kinds]],
    );
    return r?.t ?? null;
  }

  async expedite(subscriberId: number, kind: DestinationKind, now: number): Promise<number> {
    return this.changes(
      `UPDATE delivery_outbox SET next_attempt_at = $1 WHERE subscriber_id = $2 AND destination = $3
         AND state IN ('pending', 'retrying') AND next_attempt_at > $1`,
      [now, subscriberId, kind],
    );
  }

  /**
   * Locks the row being settled, then its reservation: two rows of one reservation settling at
   * once (one delivered, one dead; or both dead) take turns, so each sees the other's outcome.
   */
  private async lockForSettling(
    c: Runner,
    outboxId: number,
  ): Promise<{ state: OutboxState; reservation_id: number | null; attempts: number }> {
    const current = await this.first<{ state: OutboxState; reservation_id: number | null; attempts: number }>(
      'SELECT state, reservation_id, attempts FROM delivery_outbox WHERE id = $1 FOR UPDATE',
      [outboxId],
      c,
    );
    if (!current) throw new DeliveryStoreError(`no outbox row ${outboxId}`, 'not_found');
    if (current.reservation_id !== null)
      await c.query('SELECT 1 FROM delivery_ledger WHERE id = $1 FOR UPDATE', [current.reservation_id]);
    return current;
  }

  private async recordAttempt(c: Runner, a: AttemptRecord, attempts: number): Promise<number> {
    const attempt = attempts + 1;
    await c.query(
      `INSERT INTO delivery_attempts (outbox_id, attempt, started_at, finished_at, ok, status, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [a.outboxId, attempt, a.startedAt, a.finishedAt, a.ok ? 1 : 0, a.status, a.error],
    );
    return attempt;
  }

  /** Charges or releases a reservation unless it is settled already (the unique index makes it once). */
  private async settle(
    c: Runner,
    reservationId: number,
    kind: 'charge' | 'release',
    now: number,
  ): Promise<void> {
    const settled = await this.first(
      `SELECT 1 FROM delivery_ledger WHERE reservation_id = $1 AND kind IN ('charge', 'release')`,
      [reservationId],
      c,
    );
    if (settled) return;
    const r = await this.first<{ subscriber_id: number; amount: number; signal_id: string | null }>(
      'SELECT subscriber_id, amount, signal_id FROM delivery_ledger WHERE id = $1',
      [reservationId],
      c,
    );
    if (!r) throw new DeliveryStoreError(`no reservation ${reservationId}`, 'not_found');
    await this.post(
      c,
      r.subscriber_id,
      kind,
      kind === 'charge' ? 0 : -r.amount,
      reservationId,
      r.signal_id,
      kind === 'charge' ? 'delivered' : 'not delivered within the retry window',
      now,
    );
  }

  async markDelivered(a: AttemptRecord, externalId: string | null): Promise<void> {
    await this.tx(async (c) => {
      const current = await this.lockForSettling(c, a.outboxId);
      const attempt = await this.recordAttempt(c, a, current.attempts);
      if (current.state === 'delivered') return;
      await c.query(
        `UPDATE delivery_outbox SET state = 'delivered', attempts = $1, delivered_at = $2, external_id = $3,
           lease_until = NULL, last_error = NULL WHERE id = $4`,
        [attempt, a.finishedAt, externalId, a.outboxId],
      );
      if (current.reservation_id !== null)
        await this.settle(c, current.reservation_id, 'charge', a.finishedAt);
    });
  }

  async markFailed(a: AttemptRecord, retryAt: number | null): Promise<void> {
    await this.tx(async (c) => {
      const current = await this.lockForSettling(c, a.outboxId);
      const attempt = await this.recordAttempt(c, a, current.attempts);
      if (current.state === 'delivered' || current.state === 'dead') return;
      if (retryAt !== null) {
        await c.query(
          `UPDATE delivery_outbox SET state = 'retrying', attempts = $1, next_attempt_at = $2, lease_until = NULL,
             last_error = $3 WHERE id = $4`,
          [attempt, retryAt, a.error, a.outboxId],
        );
        return;
      }
      await c.query(
        `UPDATE delivery_outbox SET state = 'dead', attempts = $1, lease_until = NULL, last_error = $2 WHERE id = $3`,
        [attempt, a.error, a.outboxId],
      );
      if (current.reservation_id === null) return;
      // the credits go back only when no other destination of the delivery got or may still get it
      const alive = await this.first(
        `SELECT 1 FROM delivery_outbox WHERE reservation_id = $1 AND state != 'dead' LIMIT 1`,
        [current.reservation_id],
        c,
      );
      if (!alive) await this.settle(c, current.reservation_id, 'release', a.finishedAt);
    });
  }

  // ---------------------------------------------------------------------------------------
  // reading

  async outbox(filter: OutboxFilter): Promise<OutboxRow[]> {
    const w = new Where();
    w.eq('o.state', filter.state);
    w.eq('o.subscriber_id', filter.subscriberId);
    w.eq('o.signal_id', filter.signalId);
    w.cmp('o.id', '<', filter.beforeId);
    const rows = await this.rows<OutboxRecord>(
      `SELECT ${OUTBOX_COLUMNS} FROM delivery_outbox o JOIN delivery_channels c ON c.id = o.channel_id
       ${w.sql} ORDER BY o.id DESC LIMIT ${w.bind(filter.limit)}`,
      w.params,
    );
    return rows.map(outboxOf);
  }

  async outboxCounts(): Promise<OutboxCounts> {
    const counts: Record<OutboxState, number> = {
      pending: 0,
      retrying: 0,
      sending: 0,
      delivered: 0,
      dead: 0,
    };
    for (const r of await this.rows<{ state: OutboxState; n: number }>(
      'SELECT state, COUNT(*) AS n FROM delivery_outbox GROUP BY state',
    ))
      counts[r.state] = r.n;
    return counts;
  }

  async attempts(outboxId: number): Promise<Attempt[]> {
    const rows = await this.rows<AttemptTableRecord>(
      'SELECT * FROM delivery_attempts WHERE outbox_id = $1 ORDER BY attempt',
      [outboxId],
    );
    return rows.map(attemptOf);
  }

  async skips(filter: { subscriberId?: number; signalId?: string; limit: number }): Promise<SkipRow[]> {
    const w = new Where();
    w.eq('subscriber_id', filter.subscriberId);
    w.eq('signal_id', filter.signalId);
    const rows = await this.rows<SkipRecord>(
      `SELECT * FROM delivery_skips ${w.sql} ORDER BY created_at DESC, signal_id COLLATE "C" DESC LIMIT ${w.bind(filter.limit)}`,
      w.params,
    );
    return rows.map(skipOf);
  }

  async history(
    subscriberId: number,
    limit: number,
    beforeCreatedAt?: number,
  ): Promise<DeliveryHistoryItem[]> {
    const w = new Where();
    w.eq('o.subscriber_id', subscriberId);
    w.cmp('o.created_at', '<', beforeCreatedAt);
    const rows = await this.rows<{
      signal_id: string;
      created_at: number;
      delivered_at: number | null;
      channel_slug: string;
      body: string;
      outcome: string | null;
      dests: { kind: DestinationKind; state: OutboxState }[];
      acked: boolean;
    }>(
      `SELECT o.signal_id, MIN(o.created_at) AS created_at, MIN(o.delivered_at) AS delivered_at,
         MIN(c.slug) AS channel_slug, MIN(s.body) AS body, MIN(oc.body) AS outcome,
         json_agg(json_build_object('kind', o.destination, 'state', o.state) ORDER BY o.id) AS dests,
         bool_or(a.outbox_id IS NOT NULL) AS acked
       FROM delivery_outbox o
       JOIN delivery_channels c ON c.id = o.channel_id
       JOIN signals s ON s.id = o.signal_id
       LEFT JOIN outcomes oc ON ${REAL_OUTCOME}
       LEFT JOIN delivery_acks a ON a.outbox_id = o.id
       ${w.sql} AND o.event = 'signal'
       GROUP BY o.signal_id ORDER BY created_at DESC, o.signal_id COLLATE "C" DESC LIMIT ${w.bind(limit)}`,
      w.params,
    );
    return rows.map((r) => ({
      signal: JSON.parse(r.body) as Signal,
      outcome: r.outcome === null ? null : (JSON.parse(r.outcome) as Outcome),
      channelSlug: r.channel_slug,
      deliveredAt: r.delivered_at,
      destinations: r.dests,
      acked: r.acked,
    }));
  }

  async ackTelegram(chatId: string, messageId: string, now: number): Promise<boolean> {
    const r = await this.first<{ id: number }>(
      `SELECT id FROM delivery_outbox WHERE destination = 'telegram' AND target = $1 AND external_id = $2 LIMIT 1`,
      [chatId, messageId],
    );
    if (!r) return false;
    await this.changes(
      'INSERT INTO delivery_acks (outbox_id, via, acked_at) VALUES ($1, $2, $3) ON CONFLICT (outbox_id) DO NOTHING',
      [r.id, 'telegram', now],
    );
    return true;
  }

  async ack(outboxId: number, subscriberId: number, via: string, now: number): Promise<boolean> {
    const r = await this.first('SELECT 1 FROM delivery_outbox WHERE id = $1 AND subscriber_id = $2', [
      outboxId,
      subscriberId,
    ]);
    if (!r) return false;
    await this.changes(
      'INSERT INTO delivery_acks (outbox_id, via, acked_at) VALUES ($1, $2, $3) ON CONFLICT (outbox_id) DO NOTHING',
      [outboxId, via, now],
    );
    return true;
  }

  async channelTrades(channelId: number): Promise<TradeRow[]> {
    const rows = await this.rows<{ signal: string; outcome: string }>(
      `SELECT s.body AS signal, oc.body AS outcome FROM signals s
       JOIN outcomes oc ON ${REAL_OUTCOME} AND oc.filled
       WHERE s.id IN (SELECT signal_id FROM delivery_outbox WHERE channel_id = $1 AND event = 'signal')
       ORDER BY s.created_at, s.id`,
      [channelId],
    );
    return rows.map(tradeOf);
  }
}

/** A WHERE clause built from the filters given, with `$n` parameters. */
class Where {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];

  bind(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }

  eq(column: string, value: string | number | undefined): void {
    if (value !== undefined) this.clauses.push(`${column} = ${this.bind(value)}`);
  }

  cmp(column: string, op: '<', value: number | undefined): void {
    if (value !== undefined) this.clauses.push(`${column} ${op} ${this.bind(value)}`);
  }

  get sql(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : 'WHERE TRUE';
  }
}
