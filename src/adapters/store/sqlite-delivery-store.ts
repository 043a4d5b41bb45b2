import type { Statement } from 'better-sqlite3';
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
import { openSqlite, prepared, type SqliteDatabase } from './sqlite-database.js';

export { DeliveryStoreError } from './delivery-port.js';

/**
 * The delivery tables in the service's SQLite database (schema version 5). better-sqlite3 is
 * synchronous, so each method finishes its work, transaction included, before its promise.
 */
export class SqliteDeliveryStore implements DeliveryStore {
  readonly db: SqliteDatabase;

  constructor(pathOrDb: string | SqliteDatabase) {
    this.db = typeof pathOrDb === 'string' ? openSqlite(pathOrDb) : pathOrDb;
  }

  private stmt(sql: string): Statement {
    return prepared(this.db, sql);
  }

  private tx<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  // ---------------------------------------------------------------------------------------
  // products, channels

  async upsertProduct(p: Omit<StrategyProduct, 'createdAt'>, now: number): Promise<StrategyProduct> {
    this.stmt(
      `INSERT INTO delivery_products (strategy, name, description, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (strategy) DO UPDATE SET name = excluded.name, description = excluded.description`,
    ).run(p.strategy, p.name, p.description, now);
    const r = this.stmt('SELECT * FROM delivery_products WHERE strategy = ?').get(p.strategy) as {
      strategy: string;
      name: string;
      description: string;
      created_at: number;
    };
    return { strategy: r.strategy, name: r.name, description: r.description, createdAt: r.created_at };
  }

  async listProducts(): Promise<StrategyProduct[]> {
    const rows = this.stmt('SELECT * FROM delivery_products ORDER BY strategy').all() as {
      strategy: string;
      name: string;
      description: string;
      created_at: number;
    }[];
    return rows.map((r) => ({
      strategy: r.strategy,
      name: r.name,
      description: r.description,
      createdAt: r.created_at,
    }));
  }

  async createChannel(c: ChannelInput, now: number): Promise<Channel> {
    if (this.stmt('SELECT 1 FROM delivery_channels WHERE slug = ?').get(c.slug))
      throw new DeliveryStoreError(`channel ${c.slug} exists already`, 'conflict');
    this.stmt(
      `INSERT INTO delivery_channels (slug, name, strategies, symbols, timeframe, min_confidence, max_daily_events,
         price, destinations, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(c.slug, ...channelParams(c), now);
    return (await this.getChannel(c.slug)) as Channel;
  }

  async updateChannel(slug: string, patch: ChannelPatch): Promise<Channel | null> {
    const current = await this.getChannel(slug);
    if (!current) return null;
    const c = { ...current, ...patch };
    this.stmt(
      `UPDATE delivery_channels SET name = ?, strategies = ?, symbols = ?, timeframe = ?, min_confidence = ?,
         max_daily_events = ?, price = ?, destinations = ?, active = ? WHERE slug = ?`,
    ).run(...channelParams(c), slug);
    return this.getChannel(slug);
  }

  async getChannel(slug: string): Promise<Channel | null> {
    const r = this.stmt('SELECT * FROM delivery_channels WHERE slug = ?').get(slug) as
      | ChannelRecord
      | undefined;
    return r ? channelOf(r) : null;
  }

  async listChannels(): Promise<Channel[]> {
    return (this.stmt('SELECT * FROM delivery_channels ORDER BY slug').all() as ChannelRecord[]).map(
      channelOf,
    );
  }

  // ---------------------------------------------------------------------------------------
  // subscribers

  /** The destinations of subscriber `id`, or of every subscriber (null). */
  private destinationsOf(id: number | null): Map<number, Destination[]> {
    const rows = (
      id === null
        ? this.stmt('SELECT * FROM delivery_destinations ORDER BY subscriber_id, kind').all()
        : this.stmt('SELECT * FROM delivery_destinations WHERE subscriber_id = ? ORDER BY kind').all(id)
    ) as DestinationRecord[];
    return destinationsBySubscriber(rows);
  }

  private one(r: SubscriberRecord | undefined): Subscriber | null {
    return r ? subscriberOf(r, this.destinationsOf(r.id)) : null;
  }

  private writeDestinations(id: number, destinations: readonly Destination[]): void {
    this.stmt('DELETE FROM delivery_destinations WHERE subscriber_id = ?').run(id);
    const ins = this.stmt(
      'INSERT INTO delivery_destinations (subscriber_id, kind, target, secret, active) VALUES (?, ?, ?, ?, ?)',
    );
    for (const d of destinations) ins.run(id, d.kind, d.target, d.secret, d.active ? 1 : 0);
  }

  async createSubscriber(s: SubscriberInput, now: number): Promise<Subscriber> {
    const id = this.tx(() => {
      const id = Number(
        this.stmt(
          `INSERT INTO delivery_subscribers (name, strategies, balance, api_key_hash, link_code, active, created_at)
           VALUES (?, ?, 0, ?, ?, 1, ?)`,
        ).run(s.name, json(s.strategies), s.apiKeyHash, s.linkCode, now).lastInsertRowid,
      );
      this.writeDestinations(id, s.destinations);
      return id;
    });
    return (await this.getSubscriber(id)) as Subscriber;
  }

  async updateSubscriber(id: number, patch: SubscriberPatch): Promise<Subscriber | null> {
    const current = await this.getSubscriber(id);
    if (!current) return null;
    this.tx(() => {
      this.stmt('UPDATE delivery_subscribers SET name = ?, strategies = ?, active = ? WHERE id = ?').run(
        patch.name ?? current.name,
        json(patch.strategies ?? current.strategies),
        (patch.active ?? current.active) ? 1 : 0,
        id,
      );
      if (patch.destinations) this.writeDestinations(id, patch.destinations);
    });
    return this.getSubscriber(id);
  }

  async getSubscriber(id: number): Promise<Subscriber | null> {
    return this.one(
      this.stmt('SELECT * FROM delivery_subscribers WHERE id = ?').get(id) as SubscriberRecord | undefined,
    );
  }

  async listSubscribers(): Promise<Subscriber[]> {
    const dest = this.destinationsOf(null);
    return (this.stmt('SELECT * FROM delivery_subscribers ORDER BY id').all() as SubscriberRecord[]).map(
      (r) => subscriberOf(r, dest),
    );
  }

  async subscriberByKeyHash(hash: string): Promise<Subscriber | null> {
    return this.one(
      this.stmt('SELECT * FROM delivery_subscribers WHERE api_key_hash = ?').get(hash) as
        | SubscriberRecord
        | undefined,
    );
  }

  async subscriberByTelegramChat(chatId: string): Promise<Subscriber | null> {
    return this.one(
      this.stmt(
        `SELECT s.* FROM delivery_subscribers s JOIN delivery_destinations d ON d.subscriber_id = s.id
         WHERE d.kind = 'telegram' AND d.target = ? ORDER BY s.id LIMIT 1`,
      ).get(chatId) as SubscriberRecord | undefined,
    );
  }

  async linkTelegramChat(code: string, chatId: string): Promise<Subscriber | null> {
    const r = this.stmt('SELECT * FROM delivery_subscribers WHERE link_code = ?').get(code) as
      | SubscriberRecord
      | undefined;
    if (!r) return null;
    this.tx(() => {
      this.stmt('UPDATE delivery_subscribers SET link_code = NULL WHERE id = ?').run(r.id);
      this.stmt(
        `INSERT INTO delivery_destinations (subscriber_id, kind, target, secret, active) VALUES (?, 'telegram', ?, NULL, 1)
         ON CONFLICT (subscriber_id, kind) DO UPDATE SET target = excluded.target, active = 1, inactive_reason = NULL`,
      ).run(r.id, chatId);
    });
    return this.getSubscriber(r.id);
  }

  async setApiKeyHash(id: number, hash: string): Promise<boolean> {
    return (
      this.stmt('UPDATE delivery_subscribers SET api_key_hash = ? WHERE id = ?').run(hash, id).changes > 0
    );
  }

  async deactivateDestination(kind: DestinationKind, target: string, reason: string): Promise<number> {
    return this.stmt(
      'UPDATE delivery_destinations SET active = 0, inactive_reason = ? WHERE kind = ? AND target = ? AND active = 1',
    ).run(reason, kind, target).changes;
  }

  // ---------------------------------------------------------------------------------------
  // subscriptions

  async subscribe(s: SubscriptionInput, now: number): Promise<Subscription> {
    this.stmt(
      `INSERT INTO delivery_subscriptions (subscriber_id, channel_id, symbols, timeframe, min_confidence,
         max_daily_events, destinations, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (subscriber_id, channel_id) DO UPDATE SET symbols = excluded.symbols, timeframe = excluded.timeframe,
         min_confidence = excluded.min_confidence, max_daily_events = excluded.max_daily_events,
         destinations = excluded.destinations`,
    ).run(
      s.subscriberId,
      s.channelId,
      s.symbols === null ? null : json(s.symbols),
      s.timeframe,
      s.minConfidence,
      s.maxDailyEvents,
      s.destinations === null ? null : json(s.destinations),
      now,
    );
    const r = this.stmt(
      'SELECT * FROM delivery_subscriptions WHERE subscriber_id = ? AND channel_id = ?',
    ).get(s.subscriberId, s.channelId) as SubscriptionRecord;
    return subscriptionOf(r);
  }

  async unsubscribe(subscriberId: number, channelId: number): Promise<boolean> {
    return (
      this.stmt('DELETE FROM delivery_subscriptions WHERE subscriber_id = ? AND channel_id = ?').run(
        subscriberId,
        channelId,
      ).changes > 0
    );
  }

  async listSubscriptions(filter: { subscriberId?: number; channelId?: number }): Promise<Subscription[]> {
    const rows = this.stmt(
      `SELECT * FROM delivery_subscriptions WHERE (? IS NULL OR subscriber_id = ?) AND (? IS NULL OR channel_id = ?)
       ORDER BY subscriber_id, channel_id`,
    ).all(
      filter.subscriberId ?? null,
      filter.subscriberId ?? null,
      filter.channelId ?? null,
      filter.channelId ?? null,
    ) as SubscriptionRecord[];
    return rows.map(subscriptionOf);
  }

  // ---------------------------------------------------------------------------------------
  // ledger

  /** One ledger row and the balance it moves, inside the caller's transaction. */
  private post(
    subscriberId: number,
    kind: LedgerRow['kind'],
    amount: number,
    reservationId: number | null,
    signalId: string | null,
    note: string,
    now: number,
  ): number {
    // the CHECK (balance >= 0) refuses a movement the balance does not cover
    this.stmt('UPDATE delivery_subscribers SET balance = balance + ? WHERE id = ?').run(amount, subscriberId);
    return Number(
      this.stmt(
        `INSERT INTO delivery_ledger (subscriber_id, kind, amount, reservation_id, signal_id, note, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(subscriberId, kind, amount, reservationId, signalId, note, now).lastInsertRowid,
    );
  }

  async topUp(subscriberId: number, amount: number, note: string, now: number): Promise<LedgerRow> {
    if (!(Number.isSafeInteger(amount) && amount > 0))
      throw new DeliveryStoreError(
        `amount must be a whole number of credits above 0 (got ${amount})`,
        'invalid',
      );
    if (!this.stmt('SELECT 1 FROM delivery_subscribers WHERE id = ?').get(subscriberId))
      throw new DeliveryStoreError(`no subscriber ${subscriberId}`, 'not_found');
    const id = this.tx(() => this.post(subscriberId, 'topup', amount, null, null, note, now));
    return ledgerOf(this.stmt('SELECT * FROM delivery_ledger WHERE id = ?').get(id) as LedgerRecord);
  }

  async ledger(filter: LedgerFilter): Promise<LedgerRow[]> {
    const rows = this.stmt(
      `SELECT * FROM delivery_ledger WHERE (? IS NULL OR subscriber_id = ?) AND (? IS NULL OR id < ?)
       ORDER BY id DESC LIMIT ?`,
    ).all(
      filter.subscriberId ?? null,
      filter.subscriberId ?? null,
      filter.beforeId ?? null,
      filter.beforeId ?? null,
      filter.limit,
    ) as LedgerRecord[];
    return rows.map(ledgerOf);
  }

  // ---------------------------------------------------------------------------------------
  // the engine's side

  async getState(key: string): Promise<string | null> {
    const r = this.stmt('SELECT value FROM delivery_state WHERE key = ?').get(key) as
      | { value: string }
      | undefined;
    return r?.value ?? null;
  }

  async setState(key: string, value: string): Promise<void> {
    this.stmt(
      'INSERT INTO delivery_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
  }

  async latestSignalTime(): Promise<number | null> {
    return (this.stmt('SELECT MAX(created_at) AS t FROM signals').get() as { t: number | null }).t;
  }

  async unconsideredSignals(since: number, limit: number): Promise<Signal[]> {
    const rows = this.stmt(
      `SELECT s.body FROM signals s LEFT JOIN delivery_considered d ON d.signal_id = s.id
       WHERE d.signal_id IS NULL AND s.created_at > ? ORDER BY s.created_at, s.id LIMIT ?`,
    ).all(since, limit) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as Signal);
  }

  async audience(day: number, cycle: number): Promise<AudienceEntry[]> {
    const subs = this.stmt(
      `SELECT t.* FROM delivery_subscriptions t JOIN delivery_channels c ON c.id = t.channel_id
       WHERE c.active = 1 ORDER BY t.subscriber_id, t.channel_id`,
    ).all() as SubscriptionRecord[];
    if (subs.length === 0) return [];
    const subscribers = new Map((await this.listSubscribers()).map((s) => [s.id, s]));
    const rows = this.stmt(
      `SELECT subscriber_id, channel_id, COUNT(DISTINCT signal_id) AS n, MAX(cycle = ?) AS in_cycle
       FROM delivery_outbox WHERE event = 'signal' AND day = ? GROUP BY subscriber_id, channel_id`,
    ).all(cycle, day) as { subscriber_id: number; channel_id: number; n: number; in_cycle: number }[];
    const sent = rows.map(
      (r): SentCount => ({
        subscriberId: r.subscriber_id,
        channelId: r.channel_id,
        today: r.n,
        inCycle: r.in_cycle === 1,
      }),
    );
    return audienceOf(subs, subscribers, sent);
  }

  async alreadySent(signalIds: readonly string[]): Promise<Map<number, Set<string>>> {
    const out = new Map<number, Set<string>>();
    const st = this.stmt(
      `SELECT DISTINCT subscriber_id FROM delivery_outbox WHERE signal_id = ? AND event = 'signal'`,
    );
    for (const id of new Set(signalIds)) {
      for (const r of st.all(id) as { subscriber_id: number }[]) {
        const set = out.get(r.subscriber_id) ?? new Set<string>();
        set.add(id);
        out.set(r.subscriber_id, set);
      }
    }
    return out;
  }

  async commitCycle(c: CycleCommit): Promise<CycleResult> {
    return this.tx(() => {
      let enqueued = 0;
      let duplicates = 0;
      let refused = 0;
      const considered = this.stmt(
        'INSERT INTO delivery_considered (signal_id, cycle, considered_at) VALUES (?, ?, ?) ON CONFLICT (signal_id) DO NOTHING',
      );
      for (const id of c.signalIds) considered.run(id, c.cycle, c.now);
      const exists = this.stmt('SELECT 1 FROM delivery_outbox WHERE key = ?');
      const balance = this.stmt('SELECT balance FROM delivery_subscribers WHERE id = ?');
      const insert = this.stmt(
        `INSERT INTO delivery_outbox (key, signal_id, subscriber_id, channel_id, destination, target, event, parent_id,
           reservation_id, cycle, day, state, attempts, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'signal', NULL, ?, ?, ?, 'pending', 0, ?, ?)`,
      );
      const skip = this.stmt(
        `INSERT INTO delivery_skips (signal_id, subscriber_id, channel_id, reason, detail, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      );
      for (const d of c.deliveries) {
        const keys = d.destinations.map((dest) =>
          deliveryKey(d.signal.id, d.subscriberId, dest.kind, 'signal'),
        );
        if (keys.some((k) => exists.get(k))) {
          duplicates++;
          continue;
        }
        const have = (balance.get(d.subscriberId) as { balance: number } | undefined)?.balance ?? 0;
        if (have < d.price) {
          refused++;
          skip.run(
            d.signal.id,
            d.subscriberId,
            d.channelId,
            'no_credits',
            `balance ${have}, price ${d.price}`,
            c.now,
          );
          continue;
        }
        const reservation =
          d.price > 0
            ? this.post(
                d.subscriberId,
                'reserve',
                -d.price,
                null,
                d.signal.id,
                `channel ${d.channelId}`,
                c.now,
              )
            : null;
        d.destinations.forEach((dest, i) => {
          insert.run(
            keys[i],
            d.signal.id,
            d.subscriberId,
            d.channelId,
            dest.kind,
            dest.target,
            reservation,
            c.cycle,
            c.day,
            c.now,
            c.now,
          );
          enqueued++;
        });
      }
      for (const s of c.skips) skip.run(s.signalId, s.subscriberId, s.channelId, s.reason, s.detail, c.now);
      return { enqueued, duplicates, refused };
    });
  }

  async enqueueUpdate(signalId: string, event: DeliveryEvent, now: number): Promise<number> {
    return this.tx(() => {
      const parents = this.stmt(
        `SELECT id, subscriber_id, channel_id, destination, target, cycle, day FROM delivery_outbox
         WHERE signal_id = ? AND event = 'signal' AND state != 'dead' ORDER BY id`,
      ).all(signalId) as {
        id: number;
        subscriber_id: number;
        channel_id: number;
        destination: DestinationKind;
        target: string;
        cycle: number;
        day: number;
      }[];
      const insert = this.stmt(
        `INSERT INTO delivery_outbox (key, signal_id, subscriber_id, channel_id, destination, target, event, parent_id,
           reservation_id, cycle, day, state, attempts, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (key) DO NOTHING`,
      );
      let n = 0;
      for (const p of parents) {
        const key = deliveryKey(signalId, p.subscriber_id, p.destination, event);
        n += insert.run(
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
          now,
        ).changes;
      }
      return n;
    });
  }

  async openSentSignals(): Promise<SentSignal[]> {
    const rows = this.stmt(
      `SELECT s.body AS body, o.body AS outcome FROM signals s
       LEFT JOIN outcomes o ON o.signal_id = s.id AND o.shadow = 0
       WHERE s.id IN (SELECT signal_id FROM delivery_outbox WHERE event = 'signal' AND state != 'dead')
         AND s.id NOT IN (SELECT signal_id FROM delivery_outbox WHERE event = 'closed')
       ORDER BY s.created_at, s.id`,
    ).all() as { body: string; outcome: string | null }[];
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
    const marks = kinds.map(() => '?').join(', ');
    return this.tx(() => {
      // an update waits for its original: it is claimable once the original is delivered or dead
      // the due rows by index first (two range scans: waiting rows by next attempt, leased
      // rows by lease end), then their details; one OR over both would scan the whole outbox.
      // An update waits for its original (delivered or dead): updates of originals still being
      // retried are left out here, so that they cannot hold up the rows behind them.
      const ready = `(o.parent_id IS NULL OR EXISTS (SELECT 1 FROM delivery_outbox p
        WHERE p.id = o.parent_id AND p.state IN ('delivered', 'dead')))`;
      const due = this.stmt(
        `SELECT id, t FROM (
           SELECT o.id AS id, o.next_attempt_at AS t FROM delivery_outbox o
             WHERE o.state IN ('pending', 'retrying') AND o.next_attempt_at <= ? AND o.destination IN (${marks})
               AND ${ready}
           UNION ALL
           SELECT o.id, o.lease_until FROM delivery_outbox o
             WHERE o.state = 'sending' AND o.lease_until <= ? AND o.destination IN (${marks}) AND ${ready})
         ORDER BY t, id LIMIT ?`,
      ).all(now, ...kinds, now, ...kinds, limit) as { id: number }[];
      if (due.length === 0) return [];
      const detail = this.stmt(
        `SELECT ${OUTBOX_COLUMNS}, s.body AS signal_body, oc.body AS outcome_body, c.name AS channel_name,
           d.secret AS secret, p.external_id AS parent_external_id, p.state AS parent_state
         FROM delivery_outbox o
         JOIN delivery_channels c ON c.id = o.channel_id
         JOIN signals s ON s.id = o.signal_id
         LEFT JOIN outcomes oc ON oc.signal_id = o.signal_id AND oc.shadow = 0
         LEFT JOIN delivery_destinations d ON d.subscriber_id = o.subscriber_id AND d.kind = o.destination
         LEFT JOIN delivery_outbox p ON p.id = o.parent_id
         WHERE o.id = ?`,
      );
      const rows: ClaimedRecord[] = [];
      for (const { id } of due) {
        const r = detail.get(id) as ClaimedRecord | undefined;
        if (r) rows.push(r);
      }
      const lease = this.stmt("UPDATE delivery_outbox SET state = 'sending', lease_until = ? WHERE id = ?");
      for (const r of rows) lease.run(now + leaseMs, r.id);
      return claimedItems(rows);
    });
  }

  async extendLeases(ids: readonly number[], until: number): Promise<void> {
    const st = this.stmt("UPDATE delivery_outbox SET lease_until = ? WHERE id = ? AND state = 'sending'");
    this.tx(() => {
      for (const id of ids) st.run(until, id);
    });
  }

  async nextDueAt(kinds: readonly DestinationKind[]): Promise<number | null> {
    if (kinds.length === 0) return null;
    const marks = kinds.map(() => '?').join(', ');
    const r = this.stmt(
      `SELECT MIN(t) AS t FROM (
         SELECT MIN(next_attempt_at) AS t FROM delivery_outbox WHERE state = 'pending' AND destination IN (${marks})
         UNION ALL SELECT MIN(next_attempt_at) FROM delivery_outbox WHERE state = 'retrying' AND destination IN (${marks})
         UNION ALL SELECT MIN(lease_until) FROM delivery_outbox WHERE state = 'sending' AND destination IN (${marks}))`,
    ).get(...kinds, ...kinds, ...kinds) as { t: number | null };
    return r.t;
  }

  async expedite(subscriberId: number, kind: DestinationKind, now: number): Promise<number> {
    return this.stmt(
      `UPDATE delivery_outbox SET next_attempt_at = ? WHERE subscriber_id = ? AND destination = ?
         AND state IN ('pending', 'retrying') AND next_attempt_at > ?`,
    ).run(now, subscriberId, kind, now).changes;
  }

  private recordAttempt(a: AttemptRecord): number {
    const row = this.stmt('SELECT attempts FROM delivery_outbox WHERE id = ?').get(a.outboxId) as
      | { attempts: number }
      | undefined;
    if (!row) throw new DeliveryStoreError(`no outbox row ${a.outboxId}`, 'not_found');
    const attempt = row.attempts + 1;
    this.stmt(
      `INSERT INTO delivery_attempts (outbox_id, attempt, started_at, finished_at, ok, status, error)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(a.outboxId, attempt, a.startedAt, a.finishedAt, a.ok ? 1 : 0, a.status, a.error);
    return attempt;
  }

  /** Charges or releases a reservation unless it is settled already (the unique index makes it once). */
  private settle(reservationId: number, kind: 'charge' | 'release', now: number): void {
    const settled = this.stmt(
      `SELECT 1 FROM delivery_ledger WHERE reservation_id = ? AND kind IN ('charge', 'release')`,
    ).get(reservationId);
    if (settled) return;
    const r = this.stmt('SELECT subscriber_id, amount, signal_id FROM delivery_ledger WHERE id = ?').get(
      reservationId,
    ) as { subscriber_id: number; amount: number; signal_id: string | null };
    this.post(
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
    this.tx(() => {
      const current = this.stmt('SELECT state, reservation_id FROM delivery_outbox WHERE id = ?').get(
        a.outboxId,
      ) as { state: OutboxState; reservation_id: number | null } | undefined;
      if (!current) throw new DeliveryStoreError(`no outbox row ${a.outboxId}`, 'not_found');
      const attempt = this.recordAttempt(a);
      if (current.state === 'delivered') return;
      this.stmt(
        `UPDATE delivery_outbox SET state = 'delivered', attempts = ?, delivered_at = ?, external_id = ?,
           lease_until = NULL, last_error = NULL WHERE id = ?`,
      ).run(attempt, a.finishedAt, externalId, a.outboxId);
      if (current.reservation_id !== null) this.settle(current.reservation_id, 'charge', a.finishedAt);
    });
  }

  async markFailed(a: AttemptRecord, retryAt: number | null): Promise<void> {
    this.tx(() => {
      const current = this.stmt('SELECT state, reservation_id FROM delivery_outbox WHERE id = ?').get(
        a.outboxId,
      ) as { state: OutboxState; reservation_id: number | null } | undefined;
      if (!current) throw new DeliveryStoreError(`no outbox row ${a.outboxId}`, 'not_found');
      const attempt = this.recordAttempt(a);
      if (current.state === 'delivered' || current.state === 'dead') return;
      if (retryAt !== null) {
        this.stmt(
          `UPDATE delivery_outbox SET state = 'retrying', attempts = ?, next_attempt_at = ?, lease_until = NULL,
             last_error = ? WHERE id = ?`,
        ).run(attempt, retryAt, a.error, a.outboxId);
        return;
      }
      this.stmt(
        `UPDATE delivery_outbox SET state = 'dead', attempts = ?, lease_until = NULL, last_error = ? WHERE id = ?`,
      ).run(attempt, a.error, a.outboxId);
      if (current.reservation_id === null) return;
      // the credits go back only when no other destination of the delivery got or may still get it
      const alive = this.stmt(
        `SELECT 1 FROM delivery_outbox WHERE reservation_id = ? AND state != 'dead' LIMIT 1`,
      ).get(current.reservation_id);
      if (!alive) this.settle(current.reservation_id, 'release', a.finishedAt);
    });
  }

  // ---------------------------------------------------------------------------------------
  // reading

  async outbox(filter: OutboxFilter): Promise<OutboxRow[]> {
    const rows = this.stmt(
      `SELECT ${OUTBOX_COLUMNS} FROM delivery_outbox o JOIN delivery_channels c ON c.id = o.channel_id
       WHERE (? IS NULL OR o.state = ?) AND (? IS NULL OR o.subscriber_id = ?) AND (? IS NULL OR o.signal_id = ?)
         AND (? IS NULL OR o.id < ?)
       ORDER BY o.id DESC LIMIT ?`,
    ).all(
      filter.state ?? null,
      filter.state ?? null,
      filter.subscriberId ?? null,
      filter.subscriberId ?? null,
      filter.signalId ?? null,
      filter.signalId ?? null,
      filter.beforeId ?? null,
      filter.beforeId ?? null,
      filter.limit,
    ) as OutboxRecord[];
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
    for (const r of this.stmt('SELECT state, COUNT(*) AS n FROM delivery_outbox GROUP BY state').all() as {
      state: OutboxState;
      n: number;
    }[])
      counts[r.state] = r.n;
    return counts;
  }

  async attempts(outboxId: number): Promise<Attempt[]> {
    const rows = this.stmt('SELECT * FROM delivery_attempts WHERE outbox_id = ? ORDER BY attempt').all(
      outboxId,
    ) as AttemptTableRecord[];
    return rows.map(attemptOf);
  }

  async skips(filter: { subscriberId?: number; signalId?: string; limit: number }): Promise<SkipRow[]> {
    const rows = this.stmt(
      `SELECT * FROM delivery_skips WHERE (? IS NULL OR subscriber_id = ?) AND (? IS NULL OR signal_id = ?)
       ORDER BY created_at DESC, signal_id DESC LIMIT ?`,
    ).all(
      filter.subscriberId ?? null,
      filter.subscriberId ?? null,
      filter.signalId ?? null,
      filter.signalId ?? null,
      filter.limit,
    ) as SkipRecord[];
    return rows.map(skipOf);
  }

  async history(
    subscriberId: number,
    limit: number,
    beforeCreatedAt?: number,
  ): Promise<DeliveryHistoryItem[]> {
    const rows = this.stmt(
      `SELECT o.signal_id, MIN(o.created_at) AS created_at, MIN(o.delivered_at) AS delivered_at, c.slug AS channel_slug,
         s.body AS body, oc.body AS outcome, json_group_array(json_object('kind', o.destination, 'state', o.state)) AS dests,
         MAX(a.outbox_id IS NOT NULL) AS acked
       FROM delivery_outbox o
       JOIN delivery_channels c ON c.id = o.channel_id
       JOIN signals s ON s.id = o.signal_id
       LEFT JOIN outcomes oc ON oc.signal_id = o.signal_id AND oc.shadow = 0
       LEFT JOIN delivery_acks a ON a.outbox_id = o.id
       WHERE o.subscriber_id = ? AND o.event = 'signal' AND (? IS NULL OR o.created_at < ?)
       GROUP BY o.signal_id ORDER BY created_at DESC, o.signal_id DESC LIMIT ?`,
    ).all(subscriberId, beforeCreatedAt ?? null, beforeCreatedAt ?? null, limit) as {
      signal_id: string;
      created_at: number;
      delivered_at: number | null;
      channel_slug: string;
      body: string;
      outcome: string | null;
      dests: string;
      acked: number;
    }[];
    return rows.map((r) => ({
      signal: JSON.parse(r.body) as Signal,
      outcome: r.outcome === null ? null : (JSON.parse(r.outcome) as Outcome),
      channelSlug: r.channel_slug,
      deliveredAt: r.delivered_at,
      destinations: JSON.parse(r.dests) as { kind: DestinationKind; state: OutboxState }[],
      acked: r.acked === 1,
    }));
  }

  async ackTelegram(chatId: string, messageId: string, now: number): Promise<boolean> {
    const r = this.stmt(
      `SELECT id FROM delivery_outbox WHERE destination = 'telegram' AND target = ? AND external_id = ? LIMIT 1`,
    ).get(chatId, messageId) as { id: number } | undefined;
    if (!r) return false;
    this.stmt(
      'INSERT INTO delivery_acks (outbox_id, via, acked_at) VALUES (?, ?, ?) ON CONFLICT (outbox_id) DO NOTHING',
    ).run(r.id, 'telegram', now);
    return true;
  }

  async ack(outboxId: number, subscriberId: number, via: string, now: number): Promise<boolean> {
    const r = this.stmt('SELECT 1 FROM delivery_outbox WHERE id = ? AND subscriber_id = ?').get(
      outboxId,
      subscriberId,
    );
    if (!r) return false;
    this.stmt(
      'INSERT INTO delivery_acks (outbox_id, via, acked_at) VALUES (?, ?, ?) ON CONFLICT (outbox_id) DO NOTHING',
    ).run(outboxId, via, now);
    return true;
  }

  async channelTrades(channelId: number): Promise<TradeRow[]> {
    const rows = this.stmt(
      `SELECT s.body AS signal, oc.body AS outcome FROM signals s
       JOIN outcomes oc ON oc.signal_id = s.id AND oc.shadow = 0 AND oc.filled = 1
       WHERE s.id IN (SELECT signal_id FROM delivery_outbox WHERE channel_id = ? AND event = 'signal')
       ORDER BY s.created_at, s.id`,
    ).all(channelId) as { signal: string; outcome: string }[];
    return rows.map(tradeOf);
  }
}
