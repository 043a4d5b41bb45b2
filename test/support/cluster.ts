import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { stringify } from 'yaml';
import { RedisConnection } from '../../src/adapters/redis/redis-connection.js';
import type { SignalCursor, SignalListItem, SignalStore } from '../../src/adapters/store/ports.js';
import { PostgresCandleStore } from '../../src/adapters/store/postgres-candle-store.js';
import { PostgresDatabase } from '../../src/adapters/store/postgres-database.js';
import { PostgresSignalStore } from '../../src/adapters/store/postgres-signal-store.js';
import { openSqlite } from '../../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../../src/adapters/store/sqlite-signal-store.js';
import type { Signal } from '../../src/core/signals/types.js';
import { BUSY_ENGINE } from './engine-fixtures.js';
import { loadRealCandles, writeCandlesCsv } from './real-data.js';

/** The five symbols the cluster tests replay: 5m candles from 2026-01-01, where all five files overlap. */
export const CLUSTER_SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'BNBUSDT'] as const;
const FROM = Date.UTC(2026, 0, 1);

/** Writes `candles` 5m candles of each symbol into `dir` (named so the replay infers the symbol); returns the paths. */
export function writeClusterData(dir: string, candles: number): string[] {
  return CLUSTER_SYMBOLS.map((symbol) => {
    const rows = loadRealCandles(`binance_${symbol}_5m.csv.gz`)
      .filter((c) => c.openTime >= FROM)
      .slice(0, candles);
    return writeCandlesCsv(join(dir, `binance_${symbol}_5m.csv`), rows);
  });
}

/** A busy engine on 5m candles (signals on 15m and 1h) with quick shard takeover, as a config file. */
export function writeClusterConfig(dir: string, cluster: Record<string, unknown>): string {
  const path = join(dir, 'cluster.yaml');
  writeFileSync(
    path,
    stringify({
      engine: {
        ...BUSY_ENGINE,
        baseTimeframe: '5m',
        signalTimeframes: [{ timeframe: '15m' }, { timeframe: '1h' }],
      },
      cluster,
    }),
  );
  return path;
}

/** `serve` arguments of a worker of shard `shard` (`i/n`) replaying `inputs` at full speed. */
export function workerArgs(shard: string, inputs: readonly string[]): string[] {
  return ['--role', 'worker', '--shard', shard, '--source', 'replay', '--input', ...inputs, '--speed', 'max'];
}

/** A signal and its outcome as stored, without the wall-clock processing time. */
export interface StoredRow {
  readonly signal: Omit<Signal, 'processingMs'>;
  readonly outcome: SignalListItem['outcome'];
}

/** Every stored signal with its outcome, by id. */
export async function storedRows(store: SignalStore): Promise<StoredRow[]> {
  const out: StoredRow[] = [];
  let after: SignalCursor | undefined;
  for (;;) {
    const page = await store.listSignals({}, { limit: 500, after });
    for (const { signal, outcome } of page.items) {
      const { processingMs: _wallClock, ...rest } = signal;
      out.push({ signal: rest, outcome });
    }
    if (!page.next) break;
    after = page.next;
  }
  return out.sort((a, b) => (a.signal.id < b.signal.id ? -1 : a.signal.id > b.signal.id ? 1 : 0));
}

export async function sqliteRows(path: string): Promise<StoredRow[]> {
  const db = openSqlite(path);
  try {
    return await storedRows(new SqliteSignalStore(db));
  } finally {
    db.close();
  }
}

export async function postgresRows(url: string, schema: string): Promise<StoredRow[]> {
  const db = await PostgresDatabase.open({ url, schema, poolSize: 2 });
  try {
    return await storedRows(new PostgresSignalStore(new PostgresCandleStore(db)));
  } finally {
    await db.close();
  }
}

/** What one WebSocket client of a gateway received: signal ids created, outcomes closed, in order. */
export class WsRecorder {
  readonly created: string[] = [];
  readonly outcomes: string[] = [];
  private readonly ws: WebSocket;
  private readonly waiters: (() => void)[] = [];

  private constructor(url: string) {
    this.ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
  }

  static async connect(url: string): Promise<WsRecorder> {
    const r = new WsRecorder(url);
    await new Promise<void>((resolve, reject) => {
      r.ws.once('open', () => resolve());
      r.ws.once('error', reject);
    });
    const subscribed = new Promise<void>((resolve) => {
      r.ws.on('message', (raw) => {
        const m = JSON.parse(String(raw)) as { type: string; signal?: Signal };
        if (m.type === 'subscribed') resolve();
        if (m.type === 'signal.created' && m.signal) r.created.push(m.signal.id);
        if (m.type === 'outcome.closed' && m.signal) r.outcomes.push(m.signal.id);
        for (const w of r.waiters.splice(0)) w();
      });
    });
    r.ws.send(JSON.stringify({ op: 'subscribe', channels: ['signals', 'outcomes'] }));
    await subscribed;
    return r;
  }

  /** Resolves once `done()` holds, checked on every message (rejects after `timeoutMs`). */
  async until(what: string, done: () => boolean, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 1000).unref();
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** A key prefix nobody else uses on the shared Redis. */
export function freshPrefix(): string {
  return `ap_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Each id once: the ids that came more than once. */
export function repeated(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) (seen.has(id) ? twice : seen).add(id);
  return [...twice];
}

/** Deletes every key under `prefix` (the test's stream, dedup keys, cache and rate-limit counters). */
export async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const conn = new RedisConnection(url, { name: 'test cleanup' });
  try {
    if (!(await conn.connect())) return;
    const keys = await conn.client.keys(`${prefix}:*`);
    if (keys.length) await conn.client.del(...keys);
  } finally {
    await conn.close();
  }
}
