import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { CcxtSource } from '../../src/adapters/market/ccxt-source.js';
import type { Candle } from '../../src/core/candles/candle.js';
import { alignTime, type Timeframe, timeframeMs } from '../../src/core/candles/timeframe.js';

/**
 * A small stand-in for Binance spot on 127.0.0.1: the REST endpoints ccxt calls to load markets
 * and page klines, and the kline WebSocket stream ccxt pro subscribes to. Its clock is set by the
 * test: a candle "exists" (closed) once the clock has passed its close, and the candle containing
 * the clock is the forming one, served with partial values as Binance does.
 */
export interface FakeBinanceOptions {
  /** Real candles per exchange symbol id (e.g. BTCUSDT), in time order, all of `timeframe`. */
  readonly series: Readonly<Record<string, readonly Candle[]>>;
  readonly timeframe: Timeframe;
  /** Initial clock (ms). */
  readonly now: number;
  /** Binance caps a klines page at 1000. */
  readonly maxLimit?: number;
  /** More markets listed beside the series (no candles), e.g. for ranking by volume. */
  readonly markets?: readonly FakeMarket[];
}

/** A market listed in exchangeInfo and the 24h tickers, without candles of its own. */
export interface FakeMarket {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Binance's status; ccxt counts only TRADING as active. Default TRADING. */
  readonly status?: 'TRADING' | 'BREAK' | 'HALT' | 'END_OF_DAY' | 'PRE_TRADING' | 'POST_TRADING';
  /** 24h quote volume in the ticker; default 0. */
  readonly quoteVolume?: number;
  /** Last price in the ticker; default 1. */
  readonly price?: number;
}

/** The URL overrides that point ccxt's binance at this server (see ccxt binance.js describe()). */
export interface FakeUrls {
  readonly api: Record<string, string>;
  readonly ws: Record<string, string>;
}

interface KlineRequest {
  readonly symbol: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly limit: number;
}

const ASSETS: Record<string, readonly [string, string]> = {
  BTCUSDT: ['BTC', 'USDT'],
  ETHUSDT: ['ETH', 'USDT'],
};

export class FakeBinance {
  now: number;
  /** When true, WebSocket upgrades are answered with 503 (the endpoint "refuses"). */
  refuseWebSocket = false;
  /** When true, every REST call answers 503, as Binance does when it is overloaded. */
  restDown = false;
  /** Every REST request as path?query, in order. */
  readonly requests: string[] = [];
  readonly klineRequests: KlineRequest[] = [];
  /**
   * 24h quote volumes the test sets per symbol; they win over a market's own figure and over the
   * one a series computes from its last 24 h of candles.
   */
  readonly quoteVolumes = new Map<string, number>();
  /** WebSocket connections accepted so far. */
  connections = 0;
  /** Upgrades refused so far. */
  refused = 0;
  private readonly listeners = new Set<() => void>();
  private readonly step: number;
  private readonly maxLimit: number;
  private readonly sockets = new Map<WebSocket, Set<string>>();
  private readonly patches = new Map<string, Partial<Candle>>();
  private readonly index = new Map<string, Map<number, Candle>>();
  private readonly extra = new Map<string, FakeMarket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private server: Server | null = null;
  private port = 0;

  constructor(private readonly opts: FakeBinanceOptions) {
    this.now = opts.now;
    this.step = timeframeMs(opts.timeframe);
    this.maxLimit = opts.maxLimit ?? 1000;
    for (const [symbol, candles] of Object.entries(opts.series)) {
      this.index.set(symbol, new Map(candles.map((c) => [c.openTime, c])));
    }
    for (const m of opts.markets ?? []) {
      if (!this.index.has(m.symbol)) this.extra.set(m.symbol, m);
    }
  }

  static async start(opts: FakeBinanceOptions): Promise<FakeBinance> {
    const fake = new FakeBinance(opts);
    await fake.listen();
    return fake;
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => this.onRequest(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (this.refuseWebSocket) {
        this.refused++;
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  get restBase(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * ccxt decides spot vs. contract for a kline by whether the socket URL contains "/stream"
   * (the real host is stream.binance.com), so the path keeps that word.
   */
  get wsBase(): string {
    return `ws://127.0.0.1:${this.port}/stream/ws`;
  }

  urls(): FakeUrls {
    const v3 = `${this.restBase}/api/v3`;
    return {
      api: { public: v3, private: v3, v1: `${this.restBase}/api/v1` },
      ws: { spot: this.wsBase, margin: this.wsBase },
    };
  }

  /**
   * Resolves once `stream` is subscribed on an open socket: checked on every SUBSCRIBE,
   * UNSUBSCRIBE and socket close, so a test waits on what happens, not on a clock.
   */
  untilSubscribed(stream: string): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!this.subscriptions().includes(stream)) return;
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
      check();
    });
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Streams currently subscribed over all open sockets, e.g. btcusdt@kline_1m. */
  subscriptions(): string[] {
    const all = new Set<string>();
    for (const streams of this.sockets.values()) for (const s of streams) all.add(s);
    return [...all].sort();
  }

  openSockets(): number {
    return this.sockets.size;
  }

  /** Serves a changed version of one candle (REST and WebSocket), e.g. a broken one. */
  corrupt(symbol: string, openTime: number, patch: Partial<Candle>): void {
    this.patches.set(`${symbol}:${openTime}`, patch);
  }

  /** The candle as the exchange serves it once closed. */
  closedCandle(symbol: string, openTime: number): Candle | undefined {
    const real = this.index.get(symbol)?.get(openTime);
    if (!real) return undefined;
    const patch = this.patches.get(`${symbol}:${openTime}`);
    return patch ? { ...real, ...patch } : real;
  }

  /** Open time of the candle that contains the clock. */
  formingOpenTime(): number {
    return alignTime(this.opts.timeframe, this.now);
  }

  /**
   * The forming candle seen part-way through: same open, close moved `fraction` of the way to its
   * final close, a smaller range and volume. Differs from the final candle, so a test notices if
   * a source ever hands it out.
   */
  private partial(c: Candle, fraction: number): Candle {
    const close = c.open + (c.close - c.open) * fraction;
    return {
      openTime: c.openTime,
      open: c.open,
      high: Math.max(c.open, close),
      low: Math.min(c.open, close),
      close,
      volume: c.volume * fraction,
    };
  }

  private served(symbol: string, openTime: number): Candle | undefined {
    const c = this.closedCandle(symbol, openTime);
    if (!c) return undefined;
    if (openTime + this.step <= this.now) return c;
    return this.partial(c, Math.max(0.01, (this.now - openTime) / this.step));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.restBase);
    this.requests.push(`${url.pathname}${url.search}`);
    const [status, body] = this.restDown
      ? [503, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' }]
      : this.route(url);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private route(url: URL): [number, unknown] {
    switch (url.pathname) {
      case '/api/v3/ping':
        return [200, {}];
      case '/api/v3/time':
        return [200, { serverTime: this.now }];
      case '/api/v3/exchangeInfo':
        return [200, this.exchangeInfo()];
      case '/api/v3/klines':
        return this.klines(url.searchParams);
      case '/api/v3/ticker/24hr':
        return this.tickers(url.searchParams);
      default:
        return [404, { code: -1100, msg: `unknown path ${url.pathname}` }];
    }
  }

  /** Every listed market: the series first, then the extra ones. */
  private listing(): Array<{ symbol: string; base: string; quote: string; status: string }> {
    const series = [...this.index.keys()].map((symbol) => {
      const [base, quote] = ASSETS[symbol] ?? [symbol.slice(0, -4), symbol.slice(-4)];
      return { symbol, base, quote, status: 'TRADING' };
    });
    const extra = [...this.extra.values()].map((m) => ({
      symbol: m.symbol,
      base: m.base,
      quote: m.quote,
      status: m.status ?? 'TRADING',
    }));
    return [...series, ...extra];
  }

  private exchangeInfo(): unknown {
    const symbols = this.listing().map(({ symbol, base, quote, status }) => {
      return {
        symbol,
        status,
        baseAsset: base,
        baseAssetPrecision: 8,
        quoteAsset: quote,
        quotePrecision: 8,
        quoteAssetPrecision: 8,
        orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
        icebergAllowed: true,
        ocoAllowed: true,
        isSpotTradingAllowed: true,
        isMarginTradingAllowed: true,
        filters: [
          {
            filterType: 'PRICE_FILTER',
            minPrice: '0.01000000',
            maxPrice: '1000000.00000000',
            tickSize: '0.01000000',
          },
          { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
          {
            filterType: 'MARKET_LOT_SIZE',
            minQty: '0.00000000',
            maxQty: '100.00000000',
            stepSize: '0.00000000',
          },
          { filterType: 'NOTIONAL', minNotional: '5.00000000', maxNotional: '9000000.00000000' },
        ],
        permissions: [],
        permissionSets: [['SPOT', 'MARGIN']],
      };
    });
    return {
      timezone: 'UTC',
      serverTime: this.now,
      rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 }],
      exchangeFilters: [],
      symbols,
    };
  }

  private klines(q: URLSearchParams): [number, unknown] {
    const symbol = q.get('symbol') ?? '';
    const series = this.index.get(symbol);
    if (!series) return [400, { code: -1121, msg: 'Invalid symbol.' }];
    if (q.get('interval') !== this.opts.timeframe) return [400, { code: -1120, msg: 'Invalid interval.' }];
    const limit = Math.min(Number(q.get('limit') ?? 500), this.maxLimit);
    const startTime = q.has('startTime') ? Number(q.get('startTime')) : undefined;
    const endTime = q.has('endTime') ? Number(q.get('endTime')) : undefined;
    this.klineRequests.push({ symbol, startTime, endTime, limit });
    const last = Math.min(this.formingOpenTime(), endTime ?? Number.POSITIVE_INFINITY);
    const times = [...series.keys()].filter((t) => t <= last && (startTime === undefined || t >= startTime));
    // without startTime Binance answers the most recent candles
    const page = startTime === undefined ? times.slice(-limit) : times.slice(0, limit);
    const rows = page.map((t) => {
      const c = this.served(symbol, t) as Candle;
      return [
        c.openTime,
        String(c.open),
        String(c.high),
        String(c.low),
        String(c.close),
        String(c.volume),
        c.openTime + this.step - 1,
        String(c.volume * c.close),
        100,
        String(c.volume / 2),
        String((c.volume * c.close) / 2),
        '0',
      ];
    });
    return [200, rows];
  }

  /**
   * GET /api/v3/ticker/24hr as Binance answers it: one object for `symbol`, an array for
   * `symbols` (a JSON array) or for no parameter (every listed market, whatever its status).
   * ccxt reads a ticker with `bidQty` as spot, so the full (not MINI) shape matters.
   */
  private tickers(q: URLSearchParams): [number, unknown] {
    const listed = new Set(this.listing().map((m) => m.symbol));
    const one = q.get('symbol');
    if (one !== null) {
      if (!listed.has(one)) return [400, { code: -1121, msg: 'Invalid symbol.' }];
      return [200, this.ticker(one)];
    }
    const many = q.get('symbols');
    if (many !== null) {
      let wanted: unknown;
      try {
        wanted = JSON.parse(many);
      } catch {
        return [400, { code: -1100, msg: "Illegal characters found in parameter 'symbols'." }];
      }
      if (!Array.isArray(wanted) || !wanted.every((s) => typeof s === 'string' && listed.has(s))) {
        return [400, { code: -1121, msg: 'Invalid symbol.' }];
      }
      return [200, wanted.map((s: string) => this.ticker(s))];
    }
    return [200, [...listed].map((s) => this.ticker(s))];
  }

  /**
   * One 24h ticker. A series summarises its candles of the last 24 h (the forming one as served);
   * an extra market reports its configured volume at its configured price.
   */
  private ticker(symbol: string): Record<string, unknown> {
    const closeTime = this.now;
    const openTime = closeTime - 86_400_000;
    let open = 0;
    let high = 0;
    let low = 0;
    let last = 0;
    let volume = 0;
    let quoteVolume = 0;
    let count = 0;
    const series = this.index.get(symbol);
    if (series) {
      const from = alignTime(this.opts.timeframe, openTime);
      const to = this.formingOpenTime();
      for (let t = from; t <= to; t += this.step) {
        const c = this.served(symbol, t);
        if (!c) continue;
        if (count === 0) {
          open = c.open;
          high = c.high;
          low = c.low;
        }
        high = Math.max(high, c.high);
        low = Math.min(low, c.low);
        last = c.close;
        volume += c.volume;
        quoteVolume += c.volume * c.close;
        count++;
      }
    } else {
      const m = this.extra.get(symbol);
      const price = m?.price ?? 1;
      open = high = low = last = price;
      quoteVolume = m?.quoteVolume ?? 0;
      volume = quoteVolume / price;
      count = quoteVolume > 0 ? 1000 : 0;
    }
    const set = this.quoteVolumes.get(symbol);
    if (set !== undefined) {
      quoteVolume = set;
      volume = last > 0 ? set / last : 0;
    }
    const avg = volume > 0 ? quoteVolume / volume : 0;
    return {
      symbol,
      priceChange: String(last - open),
      priceChangePercent: String(open > 0 ? ((last - open) / open) * 100 : 0),
      weightedAvgPrice: String(avg),
      prevClosePrice: String(open),
      lastPrice: String(last),
      lastQty: '1.00000000',
      bidPrice: String(last),
      bidQty: '1.00000000',
      askPrice: String(last),
      askQty: '1.00000000',
      openPrice: String(open),
      highPrice: String(high),
      lowPrice: String(low),
      volume: String(volume),
      quoteVolume: String(quoteVolume),
      openTime,
      closeTime,
      firstId: count > 0 ? 1 : -1,
      lastId: count > 0 ? count : -1,
      count,
    };
  }

  private onConnection(ws: WebSocket): void {
    this.connections++;
    const streams = new Set<string>();
    this.sockets.set(ws, streams);
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.changed();
    });
    ws.on('message', (data) => {
      let msg: { method?: string; params?: unknown; id?: unknown };
      try {
        msg = JSON.parse(String(data));
      } catch {
        ws.send(JSON.stringify({ error: { code: 2, msg: 'Invalid JSON' } }));
        return;
      }
      const params = Array.isArray(msg.params) ? msg.params.map(String) : [];
      if (msg.method === 'SUBSCRIBE') {
        for (const p of params) streams.add(p);
        ws.send(JSON.stringify({ result: null, id: msg.id }));
        this.changed();
      } else if (msg.method === 'UNSUBSCRIBE') {
        for (const p of params) streams.delete(p);
        ws.send(JSON.stringify({ result: null, id: msg.id }));
        this.changed();
      } else {
        ws.send(JSON.stringify({ error: { code: 2, msg: `unknown method ${msg.method}` }, id: msg.id }));
      }
    });
  }

  private streamName(symbol: string): string {
    return `${symbol.toLowerCase()}@kline_${this.opts.timeframe}`;
  }

  private sendKline(symbol: string, c: Candle, closed: boolean): void {
    const event = JSON.stringify({
      e: 'kline',
      E: this.now,
      s: symbol,
      k: {
        t: c.openTime,
        T: c.openTime + this.step - 1,
        s: symbol,
        i: this.opts.timeframe,
        f: 1,
        L: 100,
        o: String(c.open),
        c: String(c.close),
        h: String(c.high),
        l: String(c.low),
        v: String(c.volume),
        n: 100,
        x: closed,
        q: String(c.volume * c.close),
        V: String(c.volume / 2),
        Q: String((c.volume * c.close) / 2),
        B: '0',
      },
    });
    const name = this.streamName(symbol);
    for (const [ws, streams] of this.sockets) if (streams.has(name)) ws.send(event);
  }

  /** Sends the forming candle's current state to the subscribers of every symbol. */
  pushForming(): void {
    const t = this.formingOpenTime();
    for (const symbol of this.index.keys()) {
      const c = this.served(symbol, t);
      if (c) this.sendKline(symbol, c, false);
    }
  }

  /**
   * Moves the clock. Subscribers get what Binance would have pushed meanwhile: the final
   * (x: true) update of every candle that closed, then the forming candle's current state.
   */
  advance(ms: number): void {
    const before = this.formingOpenTime();
    this.now += ms;
    const after = this.formingOpenTime();
    for (const symbol of this.index.keys()) {
      for (let t = before; t < after; t += this.step) {
        const c = this.closedCandle(symbol, t);
        if (c) this.sendKline(symbol, c, true);
      }
    }
    this.pushForming();
  }

  /** Cuts every WebSocket connection without a close handshake. */
  dropConnections(): void {
    for (const ws of this.sockets.keys()) ws.terminate();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.dropConnections();
    this.wss.close();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The real CcxtSource pointed at `fake`, on its clock, with short retries for tests. */
export function ccxtSourceOn(fake: FakeBinance): CcxtSource {
  return new CcxtSource({
    exchange: 'binance',
    timeframe: '1m',
    urls: fake.urls(),
    now: () => fake.now,
    backoff: { initialMs: 20, maxMs: 200 },
    pollIntervalMs: 20,
    connectTimeoutMs: 3000,
    closeGraceMs: 0,
    enableRateLimit: false,
  });
}
