import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Candle } from '../../core/candles/candle.js';
import type { SeriesKey } from './ports.js';
import { SqliteCandleStore } from './sqlite-candle-store.js';
import { MIGRATIONS, openSqlite } from './sqlite-database.js';

const key: SeriesKey = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' };
const M = 60_000;
const T = Date.UTC(2025, 0, 1);

function candles(n: number, from = 0, bump = 0): Candle[] {
  return Array.from({ length: n }, (_, i) => ({
    openTime: T + (from + i) * M,
    open: 100 + i,
    high: 102 + i + bump,
    low: 99 + i,
    close: 101 + i,
    volume: 5 + i,
  }));
}

const stores: SqliteCandleStore[] = [];
function tempStore(): { store: SqliteCandleStore; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'ap-store-')), 'db', 'alphapulse.db');
  const store = new SqliteCandleStore(path);
  stores.push(store);
  return { store, path };
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

describe('SqliteCandleStore', () => {
  it('creates the database in WAL mode with its folder', () => {
    const { store } = tempStore();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('upserts idempotently: a second identical write changes nothing; a changed row is an update', async () => {
    const { store } = tempStore();
    expect(await store.upsertCandles(key, candles(100))).toEqual({ inserted: 100, updated: 0, unchanged: 0 });
    expect(await store.upsertCandles(key, candles(100))).toEqual({ inserted: 0, updated: 0, unchanged: 100 });
    expect(await store.upsertCandles(key, [...candles(10, 95, 1)])).toEqual({
      inserted: 5,
      updated: 5,
      unchanged: 0,
    });
    expect(await store.countCandles(key)).toBe(105);
  });

  it('answers range queries in time order and keeps series apart', async () => {
    const { store } = tempStore();
    await store.upsertCandles(key, candles(50));
    await store.upsertCandles({ ...key, symbol: 'ETHUSDT' }, candles(10));
    const got = await store.getCandles(key, { from: T + 10 * M, to: T + 20 * M });
    expect(got.map((c) => (c.openTime - T) / M)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(got[0]).toEqual(candles(50)[10]);
    expect((await store.listSeries()).map((s) => [s.symbol, s.count])).toEqual([
      ['BTCUSDT', 50],
      ['ETHUSDT', 10],
    ]);
    expect(await store.getCandles({ ...key, symbol: 'NOPE' })).toEqual([]);
  });

  it('reads a range in time order, page by page, with and without a limit', async () => {
    const { store } = tempStore();
    await store.upsertCandles(key, candles(25_000));
    const times = async (range: Parameters<SqliteCandleStore['candlePages']>[1]) => {
      const out: number[] = [];
      for await (const page of store.candlePages(key, range))
        for (const c of page) out.push((c.openTime - T) / M);
      return out;
    };
    const all = await times({});
    expect(all).toHaveLength(25_000);
    expect(all.every((t, i) => t === i)).toBe(true);
    expect(await times({ from: T + 9_990 * M, to: T + 20_010 * M })).toEqual(
      Array.from({ length: 10_020 }, (_, i) => 9_990 + i),
    );
    expect(await times({ from: T + 5 * M, limit: 10_003 })).toEqual(
      Array.from({ length: 10_003 }, (_, i) => 5 + i),
    );
    expect(await times({ limit: 10_000 })).toHaveLength(10_000);
    // nothing is held open between pages: the store can write while an iteration is paused
    const it = store.candlePages(key)[Symbol.asyncIterator]();
    await it.next();
    expect(await store.upsertCandles(key, candles(1, 25_000))).toMatchObject({ inserted: 1 });
    await it.return?.(undefined);
  });

  it('keeps quote volume and trade counts when given', async () => {
    const { store } = tempStore();
    await store.upsertCandles(key, [{ ...candles(1)[0], quoteVolume: 12.5, trades: 7 }]);
    expect((await store.getCandles(key))[0]).toMatchObject({ quoteVolume: 12.5, trades: 7 });
  });

  it('reports gaps', async () => {
    const { store } = tempStore();
    await store.upsertCandles(key, [...candles(5), ...candles(5, 8)]);
    expect(await store.gaps(key)).toEqual([{ after: T + 4 * M, before: T + 8 * M, missing: 3 }]);
  });

  it('atomically() rolls back everything written when the work fails', async () => {
    const { store } = tempStore();
    await store.upsertCandles(key, candles(10));
    await expect(
      store.atomically(async (tx) => {
        await tx.upsertCandles(key, candles(10, 10));
        await tx.upsertCandles({ ...key, symbol: 'ETHUSDT' }, candles(10));
        throw new Error('bad row');
      }),
    ).rejects.toThrow('bad row');
    expect(await store.countCandles(key)).toBe(10);
    expect(await store.listSeries()).toHaveLength(1);
    // the store stays usable, including for a series whose creation was rolled back
    await store.upsertCandles({ ...key, symbol: 'ETHUSDT' }, candles(3));
    expect(await store.countCandles({ ...key, symbol: 'ETHUSDT' })).toBe(3);
  });

  it('survives reopening: the data and schema version are kept', async () => {
    const { store, path } = tempStore();
    await store.upsertCandles(key, candles(7));
    await store.close();
    const again = new SqliteCandleStore(path);
    stores.push(again);
    expect(await again.countCandles(key)).toBe(7);
    expect(again.db.prepare('SELECT MAX(version) v FROM schema_migrations').get()).toEqual({
      v: Math.max(...MIGRATIONS.map((m) => m.version)),
    });
  });

  it('refuses a file that is not a database, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-store-'));
    const path = join(dir, 'notdb.db');
    writeFileSync(path, 'this is not sqlite, just some text that is long enough to be read as a header');
    expect(() => openSqlite(path)).toThrow(/notdb\.db/);
  });
});
