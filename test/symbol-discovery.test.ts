import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { ConfigSchema } from '../src/config/schema.js';
import { LiveRuntime } from '../src/runtime/live/live-runtime.js';
import { SymbolDiscovery } from '../src/runtime/live/symbol-discovery.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { ccxtSourceOn, FakeBinance } from './support/fake-binance.js';
import { hasRealData, loadRealCandles } from './support/real-data.js';

const MIN = 60_000;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * The top-N refresh of a live service, end to end: a local fake Binance (REST, WebSocket and
 * 24h tickers) driven by real BTCUSDT and ETHUSDT 1m candles, the real CcxtSource and
 * LiveRuntime with their SQLite store. Volumes are set by the test; the market clock moves
 * only when the test moves it.
 */
describe.skipIf(!hasRealData)('SymbolDiscovery on a fake Binance with real candles', () => {
  it('adds the newcomer, keeps a symbol with a live signal until it closes, logs a failing ranking once', async () => {
    const warmupDays = 3;
    const start = warmupDays * 1440 + 30;
    const btc = loadRealCandles('binance_BTCUSDT_1m.csv.gz').slice(0, start + 6000);
    const eth = loadRealCandles('binance_ETHUSDT_1m.csv.gz').slice(0, start + 6000);
    const fake = await FakeBinance.start({
      series: { BTCUSDT: btc, ETHUSDT: eth },
      timeframe: '1m',
      now: btc[start].openTime + 30_000,
    });
    fake.quoteVolumes.set('BTCUSDT', 5e9);
    fake.quoteVolumes.set('ETHUSDT', 1e9);
    const db = openSqlite(join(mkdtempSync(join(tmpdir(), 'ap-discovery-')), 'live.db'));
    const config = ConfigSchema.parse({
      symbols: ['BTCUSDT'],
      live: { warmupDays, discoverTopSymbols: 1 },
      engine: BUSY_ENGINE,
    });
    const source = ccxtSourceOn(fake);
    const runtime = new LiveRuntime({
      config,
      source,
      candles: new SqliteCandleStore(db),
      signals: new SqliteSignalStore(db),
      now: () => fake.now,
    });
    const logs: string[] = [];
    const discovery = new SymbolDiscovery({
      runtime,
      discover: () => source.topSymbols(1),
      describe: 'top 1 USDT spot markets on binance',
      refreshMs: 0,
      log: (level, msg) => logs.push(`${level}: ${msg}`),
    });
    cleanups.push(async () => {
      discovery.stop();
      await runtime.stop();
      await fake.close();
      db.close();
    });
    expect(await source.topSymbols(1)).toEqual(['BTCUSDT']);
    await runtime.start(['BTCUSDT']);
    discovery.start();

    const last = (symbol: string) =>
      runtime.status().symbols.find((s) => s.symbol === symbol)?.timeframes[0].lastOpenTime ?? 0;
    /** Moves the market clock by `minutes` and waits until the runtime has taken every closed candle. */
    async function advance(minutes: number): Promise<void> {
      fake.advance(minutes * MIN);
      const closed = fake.now - MIN - (fake.now % MIN);
      for (const s of runtime.symbols()) {
        // a symbol dropped meanwhile (the point of the test) has nothing more to take
        await vi.waitFor(() => expect(!runtime.symbols().includes(s) || last(s) >= closed - MIN).toBe(true), {
          timeout: 20_000,
          interval: 10,
        });
      }
    }
    const liveOn = (symbol: string) => runtime.liveSignals().filter((s) => s.symbol === symbol);

    // run until BTCUSDT has a pending or active signal
    for (let m = 0; liveOn('BTCUSDT').length === 0; m += 10) {
      expect(m, 'no live BTCUSDT signal in the data').toBeLessThan(4000);
      await advance(10);
    }

    // ETHUSDT overtakes it: ETH is added, BTC stays while its signal is live
    fake.quoteVolumes.set('ETHUSDT', 9e9);
    const refreshed = await discovery.refresh();
    expect(refreshed).toEqual({ added: ['ETHUSDT'], removed: [], retiring: ['BTCUSDT'], failure: null });
    expect(runtime.symbols()).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(logs.at(-1)).toBe(
      'info: top 1 USDT spot markets on binance: added ETHUSDT; dropped none; kept until their signals close: BTCUSDT',
    );

    // the market goes on: once BTC has no live signal left it is dropped, and only then
    for (let m = 0; runtime.symbols().includes('BTCUSDT'); m += 10) {
      expect(m, 'BTCUSDT signals never closed').toBeLessThan(5000);
      expect(liveOn('BTCUSDT').length > 0 || discovery.retiringSymbols().length === 0).toBe(true);
      await advance(10);
    }
    expect(liveOn('BTCUSDT')).toEqual([]);
    expect(runtime.symbols()).toEqual(['ETHUSDT']);
    expect(logs.some((l) => /^info: BTCUSDT: its last live signal closed; dropped/.test(l))).toBe(true);

    // the exchange stops answering: nothing changes, one warning for any number of failed refreshes
    fake.restDown = true;
    const failed = await discovery.refresh();
    expect(failed.failure).toMatch(/cannot reach binance to rank markets/);
    await discovery.refresh();
    expect(logs.filter((l) => l.startsWith('warn: cannot rank'))).toHaveLength(1);
    expect(runtime.symbols()).toEqual(['ETHUSDT']);
    fake.restDown = false;
    expect((await discovery.refresh()).failure).toBeNull();
    expect(logs.at(-1)).toBe('info: ranking the top 1 USDT spot markets on binance works again');
  }, 180_000);
});
