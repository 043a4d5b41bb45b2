import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { ConfigSchema } from '../src/config/schema.js';
import type { Candle } from '../src/core/candles/candle.js';
import { runBacktest } from '../src/runtime/backtest/backtest.js';
import { LiveRuntime } from '../src/runtime/live/live-runtime.js';
import { ccxtSourceOn, FakeBinance } from './support/fake-binance.js';
import { hasRealData, loadRealCandles } from './support/real-data.js';

const MIN = 60_000;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * The live path end to end against a local fake Binance (HTTP + WebSocket, driven by real
 * candles and a test clock): REST warm-up, live candles, a dropped connection with candles
 * missed meanwhile. Everything the runtime stored must equal a replay of the same candles.
 */
describe.skipIf(!hasRealData)('LiveRuntime on a fake Binance with real BTCUSDT 1m candles', () => {
  it('warms up, follows live candles, backfills after a dropped connection: no duplicate, no missing signal', async () => {
    const all = hasRealData ? loadRealCandles('binance_BTCUSDT_1m.csv.gz') : [];
    const warmupDays = 4;
    const start = warmupDays * 1440 + 30; // the forming candle when the service starts
    const liveMinutes = 1500;
    const candles = all.slice(0, start + liveMinutes + 5);
    const fake = await FakeBinance.start({
      series: { BTCUSDT: candles },
      timeframe: '1m',
      now: candles[start].openTime + 30_000,
    });
    const db = openSqlite(join(mkdtempSync(join(tmpdir(), 'ap-fake-')), 'live.db'));
    const config = ConfigSchema.parse({ symbols: ['BTCUSDT'], live: { warmupDays } });
    const source = ccxtSourceOn(fake);
    const runtime = new LiveRuntime({
      config,
      source,
      candles: new SqliteCandleStore(db),
      signals: new SqliteSignalStore(db),
      now: () => fake.now,
    });
    cleanups.push(async () => {
      await runtime.stop();
      await fake.close();
      db.close();
    });
    const delivered: number[] = [];
    runtime.bus.on('candle.closed', (e) => {
      if (e.timeframe === '1m') delivered.push(e.candle.openTime);
    });
    await runtime.start(['BTCUSDT']);

    const lastStored = () => runtime.status().symbols[0].timeframes[0].lastOpenTime ?? 0;
    const waitUntil = (t: number) =>
      vi.waitFor(() => expect(lastStored()).toBeGreaterThanOrEqual(t), { timeout: 20_000, interval: 10 });
    for (let m = 0; m < liveMinutes; m += 10) {
      if (m === 500 || m === 1000) {
        // the connection drops and 30 minutes pass before the exchange is heard from again
        fake.dropConnections();
        fake.advance(30 * MIN);
        m += 30;
      }
      fake.advance(10 * MIN);
      await waitUntil(fake.now - 2 * MIN - (fake.now % MIN));
    }

    // every candle exactly once, in order, up to the last closed one
    const expectedTimes = candles
      .filter((c) => c.openTime > candles[start - 1].openTime && c.openTime + MIN <= fake.now)
      .map((c) => c.openTime);
    expect(delivered.slice(0, expectedTimes.length)).toEqual(expectedTimes.slice(0, delivered.length));
    for (let i = 1; i < delivered.length; i++) expect(delivered[i]).toBe(delivered[i - 1] + MIN);
    expect(delivered.length).toBeGreaterThan(liveMinutes - 20);

    // what the runtime stored equals a replay (backtest) of exactly the candles it processed
    const store = new SqliteCandleStore(db);
    const processed: Candle[] = await store.getCandles({
      exchange: 'binance',
      symbol: 'BTCUSDT',
      timeframe: '1m',
    });
    expect(processed.map((c) => c.close)).toEqual(
      all
        .slice(all.findIndex((c) => c.openTime === processed[0].openTime))
        .slice(0, processed.length)
        .map((c) => c.close),
    );
    const bt = await runBacktest({
      engine: config.engine,
      inputs: [{ path: 'fake', symbol: 'BTCUSDT', timeframe: '1m' }],
      feed: [processed.map((candle) => ({ symbol: 'BTCUSDT', candle }))],
      metrics: { bootstrapSamples: 0 },
    });
    const ids = (db.prepare('SELECT id FROM signals ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    const rejected = (
      db.prepare('SELECT id FROM rejected_candidates ORDER BY id').all() as { id: string }[]
    ).map((r) => r.id);
    expect(ids).toEqual(bt.signals.map((s) => s.signal.id).sort());
    expect(rejected).toEqual(bt.rejected.map((r) => r.id).sort());
    expect(ids.length + rejected.length).toBeGreaterThan(10);
  });
});
