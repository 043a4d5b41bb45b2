import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Relay } from '../../src/adapters/delivery/relay.js';
import { WebhookRelay } from '../../src/adapters/delivery/webhook-relay.js';
import type { ChannelInput } from '../../src/adapters/store/delivery-port.js';
import { openSqlite, type SqliteDatabase } from '../../src/adapters/store/sqlite-database.js';
import { SqliteDeliveryStore } from '../../src/adapters/store/sqlite-delivery-store.js';
import { SqliteSignalStore } from '../../src/adapters/store/sqlite-signal-store.js';
import { auditLedger, type LedgerEntry } from '../../src/core/delivery/ledger.js';
import { plainSubscription } from '../../src/core/delivery/overrides.js';
import type { Destination, DestinationKind } from '../../src/core/delivery/types.js';
import type { Signal } from '../../src/core/signals/types.js';
import { EventBus } from '../../src/runtime/bus/event-bus.js';
import { DeliveryEngine } from '../../src/runtime/delivery/delivery-engine.js';
import { RelayRunner } from '../../src/runtime/delivery/relay-runner.js';

/** What a test webhook receiver saw of one request. */
export interface Received {
  readonly at: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Status to answer the next requests with, in turn; 200 when the list is empty. */
  readonly script: number[];
  close(): Promise<void>;
}

/** A local HTTP server that records each POST (at `Date.now()`, fake or not) and answers as scripted. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const script: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = script.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    script,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const CHANNEL: ChannelInput = {
  slug: 'momentum',
  name: 'Momentum',
  strategies: ['momentum'],
  symbols: [],
  timeframe: null,
  minConfidence: 0,
  maxDailyEvents: 10,
  price: 2,
  destinations: [],
  active: true,
};

/** A subscriber with these destinations and credits, subscribed to `channel` (created when missing). */
export async function addSubscriber(
  store: SqliteDeliveryStore,
  opts: {
    strategies: string[];
    destinations: Destination[];
    credits: number;
    channel?: ChannelInput;
    name?: string;
  },
  now = Date.now(),
) {
  const spec = opts.channel ?? CHANNEL;
  const channel = (await store.getChannel(spec.slug)) ?? (await store.createChannel(spec, now));
  const sub = await store.createSubscriber(
    {
      name: opts.name ?? 'ann',
      strategies: opts.strategies,
      destinations: opts.destinations,
      apiKeyHash: null,
      linkCode: null,
    },
    now,
  );
  await store.subscribe(plainSubscription(sub.id, channel.id), now);
  if (opts.credits > 0) await store.topUp(sub.id, opts.credits, 'test', now);
  return sub;
}

export interface Rig {
  readonly db: SqliteDatabase;
  readonly signals: SqliteSignalStore;
  readonly store: SqliteDeliveryStore;
  readonly bus: EventBus;
  readonly engine: DeliveryEngine;
  readonly runner: RelayRunner;
  /** Stores the signal (as the live runtime does) and publishes it. */
  publish(signal: Signal): Promise<void>;
  /** Everything queued has been planned, written and sent. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** The engine and relays over a real SQLite database, with webhooks to local receivers allowed. */
export async function startRig(
  opts: {
    relays?: Relay[];
    path?: string;
    random?: () => number;
    windowMs?: number;
    startRunner?: boolean;
  } = {},
): Promise<Rig> {
  const db = openSqlite(opts.path ?? ':memory:');
  const signals = new SqliteSignalStore(db);
  const store = new SqliteDeliveryStore(db);
  const bus = new EventBus((topic, e) => {
    throw new Error(`listener of ${topic} failed: ${String(e)}`);
  });
  const relays = opts.relays ?? [new WebhookRelay({ timeoutMs: 10_000, concurrency: 8, allowPrivate: true })];
  const runner = new RelayRunner({
    store,
    relays,
    windowMs: opts.windowMs ?? 86_400_000,
    leaseMs: 60_000,
    random: opts.random ?? (() => 0.5),
    idlePollMs: 3_600_000,
  });
  const available = new Set<DestinationKind>(relays.flatMap((r) => r.kinds));
  const engine = new DeliveryEngine({
    store,
    bus,
    cycleMs: 60_000,
    batchWaitMs: 0,
    baseTimeframe: '1m',
    available: () => available,
    onEnqueued: () => runner.wake(),
  });
  await engine.start();
  if (opts.startRunner !== false) runner.start();
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      engine.flush();
      await engine.idle();
      await runner.settled();
    }
  };
  return {
    db,
    signals,
    store,
    bus,
    engine,
    runner,
    publish: async (signal) => {
      await signals.commit(null, [{ type: 'signal.created', signal }]);
      bus.publish({ type: 'signal.created', signal });
    },
    settle,
    stop: async () => {
      await engine.stop();
      await runner.stop();
      if (db.open) db.close();
    },
  };
}

/** The subscriber's ledger audited: rows summed, rules kept, and the balance column agrees. */
export function books(db: SqliteDatabase, subscriberId: number) {
  const rows = db
    .prepare(
      `SELECT id, subscriber_id AS subscriberId, kind, amount, reservation_id AS reservationId, created_at AS createdAt
       FROM delivery_ledger WHERE subscriber_id = ?`,
    )
    .all(subscriberId) as LedgerEntry[];
  const { balance } = db
    .prepare('SELECT balance FROM delivery_subscribers WHERE id = ?')
    .get(subscriberId) as {
    balance: number;
  };
  return { ...auditLedger(rows), column: balance };
}
