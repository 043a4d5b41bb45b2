import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isLeveragedToken, STABLECOIN_BASES } from '../src/adapters/market/ccxt-discovery.js';
import { CcxtSource, type CcxtSourceOptions } from '../src/adapters/market/ccxt-source.js';
import { DemoSource } from '../src/adapters/market/demo-source.js';
import { ConfigSchema } from '../src/config/schema.js';
import type { Candle } from '../src/core/candles/candle.js';
import { chooseSymbols } from '../src/service/service.js';
import { FakeBinance, type FakeMarket } from './support/fake-binance.js';
import { hasRealData, loadRealCandles } from './support/real-data.js';

/**
 * A spot listing shaped like Binance's busiest: stablecoin pairs and leveraged tokens with more
 * volume than most real markets, a halted market with the most of all, other quotes beside USDT.
 */
const MARKETS: readonly FakeMarket[] = [
  { symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', quoteVolume: 5e9, price: 60_000 },
  { symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT', quoteVolume: 3e9, price: 3000 },
  { symbol: 'SOLUSDT', base: 'SOL', quote: 'USDT', quoteVolume: 1e9, price: 150 },
  { symbol: 'XRPUSDT', base: 'XRP', quote: 'USDT', quoteVolume: 1e9, price: 0.6 },
  { symbol: 'DOGEUSDT', base: 'DOGE', quote: 'USDT', quoteVolume: 5e8, price: 0.15 },
  { symbol: 'BNBUSDT', base: 'BNB', quote: 'USDT', quoteVolume: 4e8, price: 550 },
  // ends in UP, but J is not a traded coin: a real market, not a leveraged token
  { symbol: 'JUPUSDT', base: 'JUP', quote: 'USDT', quoteVolume: 2e8, price: 0.9 },
  { symbol: 'SYRUPUSDT', base: 'SYRUP', quote: 'USDT', quoteVolume: 1e8, price: 0.4 },
  // Binance lists a few non-ASCII names; our symbol ids are [A-Z0-9]
  { symbol: '币安人生USDT', base: '币安人生', quote: 'USDT', quoteVolume: 3e8, price: 0.2 },
  { symbol: 'DEADUSDT', base: 'DEAD', quote: 'USDT', quoteVolume: 0, price: 0.01 },
  { symbol: 'USDCUSDT', base: 'USDC', quote: 'USDT', quoteVolume: 8e9, price: 1 },
  { symbol: 'FDUSDUSDT', base: 'FDUSD', quote: 'USDT', quoteVolume: 6e9, price: 1 },
  { symbol: 'BTCUPUSDT', base: 'BTCUP', quote: 'USDT', quoteVolume: 2e9, price: 20 },
  { symbol: 'ETHDOWNUSDT', base: 'ETHDOWN', quote: 'USDT', quoteVolume: 1.5e9, price: 2 },
  { symbol: 'LUNAUSDT', base: 'LUNA', quote: 'USDT', quoteVolume: 9e9, price: 0.5, status: 'BREAK' },
  { symbol: 'ETHBTC', base: 'ETH', quote: 'BTC', quoteVolume: 7e9, price: 0.05 },
  { symbol: 'SOLBTC', base: 'SOL', quote: 'BTC', quoteVolume: 9e9, price: 0.0025 },
  { symbol: 'BTCUSDC', base: 'BTC', quote: 'USDC', quoteVolume: 1e9, price: 60_000 },
];

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void>)();
});

async function fakeExchange(
  series: Record<string, readonly Candle[]> = {},
  now = Date.UTC(2024, 0, 2),
): Promise<FakeBinance> {
  const fake = await FakeBinance.start({ series, timeframe: '1m', now, markets: MARKETS });
  cleanups.push(() => fake.close());
  return fake;
}

function sourceOn(base: string, opts: Partial<CcxtSourceOptions> = {}): CcxtSource {
  const api = { public: `${base}/api/v3`, private: `${base}/api/v3`, v1: `${base}/api/v1` };
  const source = new CcxtSource({
    timeframe: '1m',
    urls: { api },
    connectTimeoutMs: 2000,
    requestTimeoutMs: 2000,
    enableRateLimit: false,
    log: () => {},
    ...opts,
  });
  cleanups.push(() => source.stop());
  return source;
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('CcxtSource.topSymbols against a local fake Binance', () => {
  it('ranks active USDT spot markets by 24h quote volume, ties by symbol, from one ticker list', async () => {
    const fake = await fakeExchange();
    const source = sourceOn(fake.restBase);
    // SOLUSDT and XRPUSDT tie at 1e9: the id decides
    expect(await source.topSymbols(5)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT']);
    // Binance's array form: no symbol parameter, every market in one request
    expect(fake.requests.filter((r) => r.startsWith('/api/v3/ticker/24hr'))).toEqual(['/api/v3/ticker/24hr']);
    expect(fake.requests.filter((r) => r.startsWith('/api/v3/exchangeInfo'))).toHaveLength(1);
  });

  it('cuts at n, and gives what there is when n asks for more', async () => {
    const fake = await fakeExchange();
    const source = sourceOn(fake.restBase);
    expect(await source.topSymbols(1)).toEqual(['BTCUSDT']);
    expect(await source.topSymbols(3)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    // eight USDT markets pass the filters and have volume; DEADUSDT traded nothing
    expect(await source.topSymbols(200)).toEqual([
      'BTCUSDT',
      'ETHUSDT',
      'SOLUSDT',
      'XRPUSDT',
      'DOGEUSDT',
      'BNBUSDT',
      'JUPUSDT',
      'SYRUPUSDT',
    ]);
  });

  it('leaves out stablecoin pairs, leveraged tokens, halted markets and other quotes', async () => {
    const fake = await fakeExchange();
    const all = await sourceOn(fake.restBase).topSymbols(200);
    for (const gone of [
      'USDCUSDT',
      'FDUSDUSDT',
      'BTCUPUSDT',
      'ETHDOWNUSDT',
      'LUNAUSDT',
      'ETHBTC',
      'BTCUSDC',
      '币安人生USDT',
    ]) {
      expect(all).not.toContain(gone);
    }
    expect(all).toContain('JUPUSDT');
    expect(all).toContain('SYRUPUSDT');
  });

  it('ranks other quotes when asked (case-insensitive)', async () => {
    const fake = await fakeExchange();
    const source = sourceOn(fake.restBase);
    expect(await source.topSymbols(5, 'BTC')).toEqual(['SOLBTC', 'ETHBTC']);
    expect(await source.topSymbols(5, 'usdc')).toEqual(['BTCUSDC']);
    expect(await source.topSymbols(5, 'NOPE')).toEqual([]);
  });

  it('asks again on every call, so a restart follows the volumes of the day', async () => {
    const fake = await fakeExchange();
    const source = sourceOn(fake.restBase);
    expect(await source.topSymbols(2)).toEqual(['BTCUSDT', 'ETHUSDT']);
    fake.quoteVolumes.set('BNBUSDT', 4e9);
    fake.quoteVolumes.set('BTCUSDT', 1e6);
    expect(await source.topSymbols(2)).toEqual(['BNBUSDT', 'ETHUSDT']);
    expect(fake.requests.filter((r) => r.startsWith('/api/v3/ticker/24hr'))).toHaveLength(2);
  });

  it('n = 0 asks nothing; a bad n is refused', async () => {
    const fake = await fakeExchange();
    const source = sourceOn(fake.restBase);
    expect(await source.topSymbols(0)).toEqual([]);
    expect(fake.requests).toEqual([]);
    await expect(source.topSymbols(-1)).rejects.toThrow(/n must be a whole number >= 0, got -1/);
    await expect(source.topSymbols(2.5)).rejects.toThrow(/got 2.5/);
  });

  it('the ranked ids are the ones the source then follows', async () => {
    const fake = await fakeExchange();
    const source = sourceOn(fake.restBase);
    const top = await source.topSymbols(3);
    // addSymbol resolves each id to a market (it throws on one it cannot find)
    for (const s of top) await source.addSymbol(s);
    await expect(source.addSymbol('NOPEUSDT')).rejects.toThrow(/no market "NOPEUSDT"/);
  });
});

describe('CcxtSource.topSymbols when the exchange cannot be reached', () => {
  it('a closed port: one clear line naming the exchange, the URL and the cause', async () => {
    const base = `http://127.0.0.1:${await closedPort()}`;
    const source = sourceOn(base);
    const err = await source.topSymbols(5).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toMatch(
      /^cannot reach binance to rank markets by 24h volume \(loading markets from .*ECONNREFUSED/,
    );
    expect(msg).toContain(`${base}/api/v3/exchangeInfo`);
    expect(msg).not.toContain('\n');
  });

  it('an exchange that accepts but never answers: gives up after the connect timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer(() => {});
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    });
    const base = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const source = sourceOn(base, { connectTimeoutMs: 300 });
    const t0 = performance.now();
    await expect(source.topSymbols(5)).rejects.toThrow(
      `cannot reach binance to rank markets by 24h volume (loading markets from ${base}/api/v3): no answer from ${base}/api/v3 within 300 ms`,
    );
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it('markets load but the ticker list fails (503): the same clear error', async () => {
    const fake = await fakeExchange();
    const source = sourceOn(fake.restBase);
    expect(await source.probe()).toEqual({ ok: true });
    fake.restDown = true;
    await expect(source.topSymbols(5)).rejects.toThrow(
      /^cannot reach binance to rank markets by 24h volume \(fetching 24h tickers from http:\/\/127\.0\.0\.1:\d+\/api\/v3\): binance \{"code":-1001/,
    );
    fake.restDown = false;
    expect(await source.topSymbols(1)).toEqual(['BTCUSDT']);
  });
});

describe('discovery rules', () => {
  it('a leveraged token is a suffix on a base that is itself traded', () => {
    const traded = new Set(['BTC', 'ETH', 'BNB', 'XRP', 'JUP', 'SYRUP']);
    for (const b of ['BTCUP', 'ETHDOWN', 'BNBBULL', 'XRPBEAR'])
      expect(isLeveragedToken(b, traded)).toBe(true);
    for (const b of ['JUP', 'SYRUP', 'UP', 'BEAR', 'BTC', 'ABCUP'])
      expect(isLeveragedToken(b, traded)).toBe(false);
  });

  it('the stablecoin list holds the usual dollar and euro stables', () => {
    for (const b of ['USDC', 'FDUSD', 'TUSD', 'BUSD', 'DAI', 'USDP', 'USDT'])
      expect(STABLECOIN_BASES.has(b)).toBe(true);
    for (const b of ['BTC', 'ETH', 'USTC']) expect(STABLECOIN_BASES.has(b)).toBe(false);
  });

  it('config: the top 20 by default, ranked again every 4 h, major pairs as the fallback; 0..200, quote USDT', () => {
    const defaults = ConfigSchema.parse({});
    expect(defaults.live.discoverTopSymbols).toBe(20);
    expect(defaults.live.discoverRefreshHours).toBe(4);
    expect(defaults.live.fallbackSymbols.slice(0, 2)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(defaults.live.discoverQuote).toBe('USDT');
    expect(ConfigSchema.parse({ live: { discoverTopSymbols: 200 } }).live.discoverTopSymbols).toBe(200);
    expect(() => ConfigSchema.parse({ live: { discoverTopSymbols: 201 } })).toThrow();
    expect(() => ConfigSchema.parse({ live: { discoverTopSymbols: -1 } })).toThrow();
    expect(() => ConfigSchema.parse({ live: { discoverTopSymbols: 1.5 } })).toThrow();
    expect(() => ConfigSchema.parse({ live: { discoverQuote: 'usdt' } })).toThrow(/upper-case/);
  });
});

describe('chooseSymbols (what startService follows)', () => {
  it('a live exchange with discoverTopSymbols > 0 follows the top N, logged in one line', async () => {
    const fake = await fakeExchange();
    const source = sourceOn(fake.restBase);
    const config = ConfigSchema.parse({ symbols: ['BTCUSDT'], live: { discoverTopSymbols: 4 } });
    const logs: string[] = [];
    expect(await chooseSymbols(source, config, (m) => logs.push(m))).toEqual([
      'BTCUSDT',
      'ETHUSDT',
      'SOLUSDT',
      'XRPUSDT',
    ]);
    expect(logs).toEqual([
      'following the top 4 USDT spot markets on binance by 24h quote volume: BTCUSDT, ETHUSDT, SOLUSDT, XRPUSDT',
    ]);
  });

  it('says so when fewer than N qualify; uses discoverQuote', async () => {
    const fake = await fakeExchange();
    const source = sourceOn(fake.restBase);
    const config = ConfigSchema.parse({ live: { discoverTopSymbols: 10, discoverQuote: 'BTC' } });
    const logs: string[] = [];
    expect(await chooseSymbols(source, config, (m) => logs.push(m))).toEqual(['SOLBTC', 'ETHBTC']);
    expect(logs[0]).toBe(
      'following the top 2 (of 10 asked) BTC spot markets on binance by 24h quote volume: SOLBTC, ETHBTC',
    );
  });

  it('discoverTopSymbols = 0 keeps config.symbols and asks the exchange nothing', async () => {
    const fake = await fakeExchange();
    const source = sourceOn(fake.restBase);
    const config = ConfigSchema.parse({ symbols: ['ETHUSDT', 'BTCUSDT'], live: { discoverTopSymbols: 0 } });
    expect(await chooseSymbols(source, config)).toEqual(['ETHUSDT', 'BTCUSDT']);
    expect(fake.requests).toEqual([]);
  });

  it('a quote with no market refuses to start rather than follow nothing', async () => {
    const fake = await fakeExchange();
    const source = sourceOn(fake.restBase);
    const config = ConfigSchema.parse({ live: { discoverTopSymbols: 5, discoverQuote: 'TRY' } });
    await expect(chooseSymbols(source, config)).rejects.toThrow(
      /binance has no active TRY spot market .*set live.discoverTopSymbols to 0/,
    );
  });

  it('a ranking that fails follows the major pairs of live.fallbackSymbols, said once as a warning', async () => {
    const source = sourceOn(`http://127.0.0.1:${await closedPort()}`);
    const config = ConfigSchema.parse({
      live: { discoverTopSymbols: 5, fallbackSymbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] },
    });
    const logs: string[] = [];
    expect(await chooseSymbols(source, config, (m, level) => logs.push(`${level}: ${m}`))).toEqual([
      'BTCUSDT',
      'ETHUSDT',
      'SOLUSDT',
    ]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(
      /^warn: cannot reach binance .*ECONNREFUSED.*; following the major pairs of live.fallbackSymbols instead: BTCUSDT, ETHUSDT, SOLUSDT \(ranked again every 4 h\)$/,
    );
  });

  it('the demo source (e.g. the fallback) keeps config.symbols and says why', async () => {
    const demo = new DemoSource({ timeframe: '1m', seed: 1, historyDays: 1, speed: 1 });
    cleanups.push(() => demo.stop());
    const config = ConfigSchema.parse({ symbols: ['BTCUSDT'], live: { discoverTopSymbols: 5 } });
    const logs: string[] = [];
    expect(await chooseSymbols(demo, config, (m) => logs.push(m))).toEqual(['BTCUSDT']);
    expect(logs).toEqual([
      'the DEMO source follows symbols: BTCUSDT (live.discoverTopSymbols ranks the markets of a live exchange)',
    ]);
  });
});

describe.skipIf(!hasRealData)(
  'topSymbols on real candles: 24h volume summed by the fake from the series',
  () => {
    const btc = hasRealData ? loadRealCandles('binance_BTCUSDT_1m.csv.gz').slice(0, 3000) : [];
    const eth = hasRealData ? loadRealCandles('binance_ETHUSDT_1m.csv.gz').slice(0, 3000) : [];

    /** Quote volume of the closed candles of the 24 h before `now` (the fake adds the forming one). */
    function dayQuoteVolume(candles: readonly Candle[], now: number): number {
      let sum = 0;
      for (const c of candles)
        if (c.openTime >= now - 86_400_000 && c.openTime <= now) sum += c.volume * c.close;
      return sum;
    }

    it('ranks the real series by their last-24h quote volume', async () => {
      const now = btc[2500].openTime + 60_000;
      const fake = await fakeExchange({ BTCUSDT: btc, ETHUSDT: eth }, now);
      // the series win over the listed figures for the same ids
      const source = sourceOn(fake.restBase);
      const btcVolume = dayQuoteVolume(btc, now);
      const ethVolume = dayQuoteVolume(eth, now);
      expect(btcVolume).toBeGreaterThan(0);
      expect(ethVolume).toBeGreaterThan(0);
      const realOrder = btcVolume >= ethVolume ? ['BTCUSDT', 'ETHUSDT'] : ['ETHUSDT', 'BTCUSDT'];
      const top = await source.topSymbols(200);
      expect(top.filter((s) => s === 'BTCUSDT' || s === 'ETHUSDT')).toEqual(realOrder);
      // placed among the listed markets by size: above SOL (1e9) only if above it
      expect(top.indexOf('BTCUSDT') < top.indexOf('SOLUSDT')).toBe(btcVolume > 1e9);
    });
  },
);
