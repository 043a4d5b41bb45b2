import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CcxtSource, type CcxtSourceOptions } from '../src/adapters/market/ccxt-source.js';
import type { Candle } from '../src/core/candles/candle.js';
import { FakeBinance } from './support/fake-binance.js';
import { hasRealData, loadRealCandles } from './support/real-data.js';

const MINUTE = 60_000;
const WAIT = { timeout: 8000, interval: 10 };

interface Harness {
  readonly fake: FakeBinance;
  readonly source: CcxtSource;
  readonly logs: string[];
  readonly got: Map<string, Candle[]>;
  /** Everything delivered, as symbol@openTime, in delivery order. */
  readonly order: string[];
  /** Called after every delivery and every log line (the event-driven waits below). */
  readonly onDelivery: Set<() => void>;
  onCandle(symbol: string, c: Candle): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void>)();
});

describe.skipIf(!hasRealData)('CcxtSource against a local fake Binance', () => {
  const btc = hasRealData ? loadRealCandles('binance_BTCUSDT_1m.csv.gz').slice(0, 4000) : [];
  const eth = hasRealData ? loadRealCandles('binance_ETHUSDT_1m.csv.gz').slice(0, 4000) : [];

  /** The fake clock sits 30 s into candle `formingIndex`: every earlier candle has closed. */
  async function harness(
    formingIndex: number,
    opts: Partial<CcxtSourceOptions> = {},
    refuseWs = false,
  ): Promise<Harness> {
    expect(eth[0].openTime).toBe(btc[0].openTime);
    const fake = await FakeBinance.start({
      series: { BTCUSDT: btc, ETHUSDT: eth },
      timeframe: '1m',
      now: btc[formingIndex].openTime + 30_000,
    });
    fake.refuseWebSocket = refuseWs;
    const logs: string[] = [];
    const onDelivery = new Set<() => void>();
    const source = new CcxtSource({
      exchange: 'binance',
      timeframe: '1m',
      urls: fake.urls(),
      now: () => fake.now,
      log: (level, msg) => {
        logs.push(`${level} ${msg}`);
        for (const listener of [...onDelivery]) listener();
      },
      backoff: { initialMs: 20, maxMs: 200 },
      pollIntervalMs: 25,
      connectTimeoutMs: 3000,
      enableRateLimit: false,
      ...opts,
    });
    const got = new Map<string, Candle[]>();
    const order: string[] = [];
    cleanups.push(async () => {
      await source.stop();
      await fake.close();
    });
    return {
      fake,
      source,
      logs,
      got,
      order,
      onDelivery,
      async onCandle(symbol, c) {
        const list = got.get(symbol) ?? [];
        list.push(c);
        got.set(symbol, list);
        order.push(`${symbol}@${c.openTime}`);
        for (const listener of [...onDelivery]) listener();
      },
    };
  }

  const delivered = (h: Harness, symbol = 'BTCUSDT'): Candle[] => h.got.get(symbol) ?? [];

  /**
   * Resolves on the delivery that brings `symbol` to `n` candles. Event-driven, not polled
   * against a clock: on a loaded machine a wait takes longer, it does not fail (the test's own
   * timeout is the only bound).
   */
  function waitForCount(h: Harness, n: number, symbol = 'BTCUSDT'): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (delivered(h, symbol).length < n) return;
        h.onDelivery.delete(check);
        resolve();
      };
      h.onDelivery.add(check);
      check();
    });
  }

  /** Resolves when the fake sees `stream` subscribed (on its SUBSCRIBE message, not by polling). */
  function waitSubscribed(fake: FakeBinance, stream = 'btcusdt@kline_1m'): Promise<void> {
    return fake.untilSubscribed(stream);
  }

  /** Moves the fake clock one minute in three steps, pushing updates of the forming candle each time. */
  function minute(fake: FakeBinance): void {
    fake.advance(20_000);
    fake.advance(20_000);
    fake.advance(20_000);
  }

  function expectNoDuplicates(list: readonly Candle[]): void {
    for (let i = 1; i < list.length; i++) expect(list[i].openTime).toBeGreaterThan(list[i - 1].openTime);
  }

  it('pages history across the 1000-candle REST limit and never includes the forming candle', async () => {
    const h = await harness(2500);
    expect(h.source.state()).toBe('connecting');
    const all = await h.source.history('BTCUSDT', btc[0].openTime);
    expect(all).toEqual(btc.slice(0, 2500));
    // 1000 + 1000 + 501 (the last page ends with the forming candle, which is dropped)
    expect(h.fake.klineRequests.map((r) => r.startTime)).toEqual([
      btc[0].openTime,
      btc[1000].openTime,
      btc[2000].openTime,
    ]);
    expect(h.fake.requests[0]).toBe('/api/v3/exchangeInfo');

    // [from, to), an unaligned `from` starts at the next candle
    expect(await h.source.history('BTCUSDT', btc[10].openTime + 1, btc[20].openTime)).toEqual(
      btc.slice(11, 20),
    );
    // the candle that has just closed waits out the grace period (clock skew, the exchange finishing it)
    h.fake.now = btc[2500].openTime + 500;
    expect((await h.source.history('BTCUSDT', btc[2490].openTime)).at(-1)).toEqual(btc[2498]);
    h.fake.now = btc[2500].openTime + 2500;
    expect((await h.source.history('BTCUSDT', btc[2490].openTime)).at(-1)).toEqual(btc[2499]);
    expect(h.source.state()).toBe('idle'); // REST answered, nothing started
  });

  it('backfills after the last open time, then delivers live candles in order as the clock advances', async () => {
    const h = await harness(3000);
    await h.source.start(new Map([['BTCUSDT', btc[2990].openTime]]), h.onCandle);
    await waitForCount(h, 9);
    expect(delivered(h)).toEqual(btc.slice(2991, 3000));
    await waitSubscribed(h.fake);
    expect(h.source.state()).toBe('live');
    expect(h.source.describe()).toContain('WebSocket');

    for (let k = 1; k <= 6; k++) {
      minute(h.fake);
      await waitForCount(h, 9 + k);
    }
    // the forming candle's partial updates never leak: every delivered candle equals the real one
    expect(delivered(h)).toEqual(btc.slice(2991, 3006));
    expect(h.fake.connections).toBe(1);
  });

  it('starts with a warm-up window when there is no last open time', async () => {
    const h = await harness(3000, { warmupCandles: 50 });
    await h.source.start(new Map([['BTCUSDT', Number.NEGATIVE_INFINITY]]), h.onCandle);
    await waitForCount(h, 50);
    expect(delivered(h)).toEqual(btc.slice(2950, 3000));
  });

  it('reconnects after a dropped WebSocket and backfills the missed candles from REST: no gap, no duplicate', async () => {
    // a loaded machine may take seconds to reconnect: no connect deadline of ours should decide
    const h = await harness(3000, { connectTimeoutMs: 60_000 });
    await h.source.start(
      new Map([
        ['BTCUSDT', btc[2995].openTime],
        ['ETHUSDT', eth[2996].openTime],
      ]),
      h.onCandle,
    );
    await waitForCount(h, 4);
    await waitForCount(h, 3, 'ETHUSDT');
    await waitSubscribed(h.fake, 'btcusdt@kline_1m');
    await waitSubscribed(h.fake, 'ethusdt@kline_1m');
    minute(h.fake);
    await waitForCount(h, 5);
    await waitForCount(h, 4, 'ETHUSDT');
    expect(h.fake.connections).toBe(1); // both symbols share one socket, as ccxt does

    // the server cuts the socket; five minutes pass with nobody listening
    h.fake.dropConnections();
    for (let k = 0; k < 5; k++) minute(h.fake);
    // Whether a feed logs the drop depends on where it was: a watch pending on the socket fails
    // and the feed backs off (attempt 1, 20 ms); a feed busy with its REST catch-up at that
    // moment finds ccxt opening a new socket on its next watch, and has nothing to report. Under
    // load the overdue check may also fetch the missed candles before the drop is noticed. So
    // this waits on the events (deliveries, the fake's SUBSCRIBE) and checks what must hold in
    // every order: no gap, one new socket, never a fallback to polling, no repeated failure.
    await waitForCount(h, 10);
    await waitForCount(h, 9, 'ETHUSDT');
    await waitSubscribed(h.fake, 'btcusdt@kline_1m');
    await waitSubscribed(h.fake, 'ethusdt@kline_1m');
    expect(h.fake.connections).toBe(2);
    expect(h.logs.some((l) => l.includes('WebSocket unavailable'))).toBe(false);
    for (const line of h.logs.filter((l) => l.includes('reconnecting in')))
      expect(line).toMatch(/(BTC|ETH)USDT: .*reconnecting in 20 ms \(attempt 1\)$/);

    for (let k = 1; k <= 3; k++) {
      minute(h.fake);
      await waitForCount(h, 10 + k);
      await waitForCount(h, 9 + k, 'ETHUSDT');
    }
    expect(delivered(h)).toEqual(btc.slice(2996, 3009));
    expect(delivered(h, 'ETHUSDT')).toEqual(eth.slice(2997, 3009));
    expectNoDuplicates(delivered(h));
    expect(h.source.state()).toBe('live');
  });

  it('retries a candle whose handler call failed, after a backoff, without skipping it', async () => {
    const h = await harness(3000);
    let failures = 0;
    await h.source.start(new Map([['BTCUSDT', btc[2994].openTime]]), async (symbol, c) => {
      if (c.openTime === btc[2997].openTime && failures++ === 0) throw new Error('database is locked');
      await h.onCandle(symbol, c);
    });
    await waitForCount(h, 5);
    expect(delivered(h)).toEqual(btc.slice(2995, 3000));
    expect(failures).toBe(2);
    const line = h.logs.find((l) => l.includes('database is locked'));
    expect(line).toBe(
      `error binance BTCUSDT: the candle handler failed on BTCUSDT ${new Date(btc[2997].openTime).toISOString()}: database is locked; offering it again in 20 ms (attempt 1)`,
    );
  });

  it('backs off exponentially while the exchange is down, reports it, and recovers without losing a candle', async () => {
    const h = await harness(3000);
    await h.source.start(new Map([['BTCUSDT', btc[2997].openTime]]), h.onCandle);
    await waitForCount(h, 2);
    await waitSubscribed(h.fake);
    minute(h.fake);
    await waitForCount(h, 3);

    h.fake.restDown = true;
    h.fake.dropConnections();
    minute(h.fake);
    minute(h.fake);
    await vi.waitFor(
      () => expect(h.logs.filter((l) => l.includes('reconnecting in')).length).toBeGreaterThanOrEqual(5),
      WAIT,
    );
    const delays = h.logs
      .map((l) => /reconnecting in (\d+) ms \(attempt (\d+)\)/.exec(l))
      .filter((m) => m !== null)
      .map((m) => Number(m[1]));
    expect(delays.slice(0, 5)).toEqual([20, 40, 80, 160, 200]);
    expect(h.source.state()).toBe('reconnecting');
    expect(h.source.describe()).toMatch(/BTCUSDT reconnecting \(attempt \d+\)/);
    expect(delivered(h).length).toBe(3);

    h.fake.restDown = false;
    await waitForCount(h, 5);
    await waitSubscribed(h.fake);
    minute(h.fake);
    await waitForCount(h, 6);
    expect(delivered(h)).toEqual(btc.slice(2998, 3004));
    expectNoDuplicates(delivered(h));
    await vi.waitFor(() => expect(h.source.state()).toBe('live'), WAIT);
  });

  it('falls back to REST polling when the WebSocket endpoint refuses, and returns to it later', async () => {
    const h = await harness(3000, { websocketRetryMs: 5 * MINUTE }, true);
    await h.source.start(new Map([['BTCUSDT', btc[2997].openTime]]), h.onCandle);
    await waitForCount(h, 2);
    await vi.waitFor(() => expect(h.source.describe()).toContain('REST polling'), WAIT);
    expect(h.fake.refused).toBeGreaterThanOrEqual(1);
    expect(h.logs.filter((l) => l.includes('WebSocket unavailable')).length).toBe(1);

    for (let k = 1; k <= 3; k++) {
      minute(h.fake);
      await waitForCount(h, 2 + k);
    }
    expect(h.source.state()).toBe('live');

    // the endpoint comes back; after the retry period the stream is used again
    h.fake.refuseWebSocket = false;
    for (let k = 0; k < 3; k++) minute(h.fake);
    await waitSubscribed(h.fake);
    await waitForCount(h, 8);
    minute(h.fake);
    await waitForCount(h, 9);
    expect(h.source.describe()).toContain('WebSocket with REST backfill');
    expect(delivered(h)).toEqual(btc.slice(2998, 3007));
  });

  it('skips a broken candle from the exchange with a message naming it, in history and live', async () => {
    const h = await harness(3000);
    const bad = btc[2950];
    h.fake.corrupt('BTCUSDT', bad.openTime, { high: bad.low - 1 });
    const hist = await h.source.history('BTCUSDT', btc[2940].openTime);
    expect(hist).toEqual([...btc.slice(2940, 2950), ...btc.slice(2951, 3000)]);
    const line = h.logs.find((l) => l.includes('skipped'));
    expect(line).toContain(`candle ${new Date(bad.openTime).toISOString()} (open_time ${bad.openTime})`);
    expect(line).toMatch(/^warn binance BTCUSDT 1m .*high .* is below max\(open, close\)/);

    // live: the candle closing next is broken; it is reported once and never fed on
    const next = btc[3000];
    h.fake.corrupt('BTCUSDT', next.openTime, { low: -5 });
    await h.source.start(new Map([['BTCUSDT', btc[2998].openTime]]), h.onCandle);
    await waitForCount(h, 1);
    await waitSubscribed(h.fake);
    minute(h.fake);
    minute(h.fake);
    await waitForCount(h, 2);
    expect(delivered(h)).toEqual([btc[2999], btc[3001]]);
    expect(h.logs.filter((l) => l.includes(`(open_time ${next.openTime}) skipped: low -5`)).length).toBe(1);
  });

  it('adds and removes symbols at run time; each symbol stays in order', async () => {
    const h = await harness(3000);
    await expect(h.source.addSymbol('NOPEUSDT')).rejects.toThrow(/binance has no market "NOPEUSDT"/);
    await h.source.start(new Map([['BTCUSDT', btc[2997].openTime]]), h.onCandle);
    await waitForCount(h, 2);
    await h.source.addSymbol('ETHUSDT', eth[2995].openTime);
    await waitForCount(h, 4, 'ETHUSDT');
    await waitSubscribed(h.fake, 'ethusdt@kline_1m');
    await waitSubscribed(h.fake, 'btcusdt@kline_1m');
    minute(h.fake);
    await waitForCount(h, 3);
    await waitForCount(h, 5, 'ETHUSDT');

    h.source.removeSymbol('BTCUSDT');
    await vi.waitFor(() => expect(h.fake.subscriptions()).toEqual(['ethusdt@kline_1m']), WAIT);
    minute(h.fake);
    await waitForCount(h, 6, 'ETHUSDT');
    expect(delivered(h)).toEqual(btc.slice(2998, 3001));
    expect(delivered(h, 'ETHUSDT')).toEqual(eth.slice(2996, 3002));
  });

  it('stop() waits for the running handler call and closes the exchange connections', async () => {
    const h = await harness(3000);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let calls = 0;
    let finished = 0;
    await h.source.start(new Map([['BTCUSDT', btc[2990].openTime]]), async () => {
      calls++;
      if (calls === 10) await gate;
      finished++;
    });
    await vi.waitFor(() => expect(calls).toBe(9), WAIT);
    await waitSubscribed(h.fake);
    minute(h.fake);
    await vi.waitFor(() => expect(calls).toBe(10), WAIT);
    let stopped = false;
    const stopping = h.source.stop().then(() => {
      stopped = true;
    });
    minute(h.fake);
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(10);
    expect(calls).toBe(10); // nothing after stop
    expect(h.source.state()).toBe('stopped');
    await vi.waitFor(() => expect(h.fake.openSockets()).toBe(0), WAIT);
  });
});

describe('CcxtSource when the exchange cannot be reached', () => {
  async function closedPort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const { port } = s.address() as AddressInfo;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }

  function source(base: string, logs: string[] = []): CcxtSource {
    const src = new CcxtSource({
      timeframe: '1m',
      urls: { api: { public: `${base}/api/v3`, private: `${base}/api/v3`, v1: `${base}/api/v1` } },
      connectTimeoutMs: 2000,
      log: (level, msg) => logs.push(`${level} ${msg}`),
    });
    cleanups.push(() => src.stop());
    return src;
  }

  it('probe() against a closed port fails fast with one clear line; start() rejects the same way', async () => {
    const base = `http://127.0.0.1:${await closedPort()}`;
    const src = source(base);
    const t0 = performance.now();
    const probe = await src.probe(2000);
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(probe.ok).toBe(false);
    const reason = probe.ok ? '' : probe.reason;
    expect(reason).toContain(`${base}/api/v3/exchangeInfo`);
    expect(reason).toMatch(/ECONNREFUSED/);
    expect(reason).not.toContain('\n');
    expect(src.state()).toBe('failed');
    expect(src.describe()).toMatch(/^cannot reach binance: binance GET .*ECONNREFUSED/);
    await expect(src.start(new Map([['BTCUSDT', 0]]), () => {})).rejects.toThrow(
      /cannot reach binance: .*ECONNREFUSED/,
    );
  });

  it('probe() gives up after its timeout when the exchange accepts but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer(() => {});
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    });
    const base = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const src = source(base);
    const t0 = performance.now();
    const probe = await src.probe(300);
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(probe).toEqual({ ok: false, reason: `no answer from ${base}/api/v3 within 300 ms` });
    expect(src.state()).toBe('failed');
  });

  it('rejects an unknown exchange id', () => {
    expect(() => new CcxtSource({ exchange: 'nosuchexchange', timeframe: '1m' })).toThrow(
      /unknown exchange "nosuchexchange"/,
    );
  });
});
