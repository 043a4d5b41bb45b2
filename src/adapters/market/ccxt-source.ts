import { setTimeout as sleep } from 'node:timers/promises';
import ccxt, { type Exchange, type MarketInterface, type OHLCV, type Ticker, type Tickers } from 'ccxt';
import type { Candle } from '../../core/candles/candle.js';
import { alignTime, type Timeframe, timeframeMs } from '../../core/candles/timeframe.js';
import { checkCandle } from '../../core/candles/validation.js';
import type { CandleHandler, MarketSource, SourceState } from './source.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Spread reconnects of many clients; off by default so tests see exact delays. */
  readonly jitter?: boolean;
}

export interface CcxtSourceOptions {
  /** A ccxt exchange id; default `binance`. */
  readonly exchange?: string;
  /** The base timeframe: the only one this source hands out. */
  readonly timeframe: Timeframe;
  /**
   * How often the clock is looked at; default 5 s. REST is asked when a candle is due (its close
   * plus `closeGraceMs`) and the stream has not already told us, and again every interval while
   * it stays overdue. Without a usable WebSocket this is the polling period.
   */
  readonly pollIntervalMs?: number;
  /** How long `start` and `probe` wait for the exchange to answer at all; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** ccxt's timeout for each REST call; default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Reconnect delays: initialMs, doubling up to maxMs; default 1 s .. 60 s, no jitter. */
  readonly backoff?: BackoffOptions;
  /**
   * Overrides merged into ccxt's `exchange.urls.api` (REST bases, e.g. binance's `public`) and
   * `exchange.urls.api.ws` (stream bases, e.g. binance's `spot`): for tests against a local fake.
   */
  readonly urls?: { readonly api?: Record<string, string>; readonly ws?: Record<string, string> };
  /** Closed candles delivered first when `start`/`addSymbol` has no last open time; default 1000. */
  readonly warmupCandles?: number;
  /** Candles asked per REST page; default 1000 (Binance's maximum). */
  readonly pageLimit?: number;
  /** Use the exchange's WebSocket (ccxt pro `watchOHLCV`) when it has one; default true. */
  readonly websocket?: boolean;
  /** After falling back to polling, how long before the WebSocket is tried again; default 5 min. */
  readonly websocketRetryMs?: number;
  /**
   * How long after a candle's close (by our clock) it still counts as possibly open: covers clock
   * skew and the exchange finishing the candle. Default 2 s.
   */
  readonly closeGraceMs?: number;
  /** ccxt's own request throttling; default true. */
  readonly enableRateLimit?: boolean;
  readonly now?: () => number;
  readonly log?: (level: LogLevel, msg: string) => void;
}

export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

type ExchangeClass = new (config?: Record<string, unknown>) => Exchange;

interface Feed {
  readonly symbol: string;
  readonly market: string;
  readonly abort: AbortController;
  /** Open time of the last candle handed out or rejected: only later ones are delivered. */
  cursor: number;
  state: 'connecting' | 'live' | 'reconnecting';
  attempts: number;
  lastError: string | null;
  delivered: number;
}

/** The stream failed; `worked` tells a dropped connection from one that never delivered. */
class StreamError extends Error {
  constructor(
    failure: unknown,
    readonly worked: boolean,
  ) {
    super(errorLine(failure));
    this.name = 'StreamError';
  }
}

/** The candle handler threw: the candle is offered again after a backoff, not skipped. */
class HandlerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandlerError';
  }
}

class Aborted extends Error {
  constructor() {
    super('aborted');
    this.name = 'Aborted';
  }
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000, jitter: false };

/**
 * Bases left out of volume discovery: USD and EUR stablecoins (and the euro itself). A pair of
 * two of them moves like a currency peg, never makes a signal worth sending, yet ranks near the
 * top by volume (USDC/USDT, FDUSD/USDT are among Binance's busiest markets).
 */
export const STABLECOIN_BASES: ReadonlySet<string> = new Set([
  'USDT',
  'USDC',
  'FDUSD',
  'TUSD',
  'BUSD',
  'DAI',
  'USDP',
  'PAX',
  'USDS',
  'UST',
  'USD1',
  'PYUSD',
  'USDE',
  'RLUSD',
  'XUSD',
  'BFUSD',
  'EUR',
  'EURI',
  'AEUR',
]);

const LEVERAGED_SUFFIXES = ['UP', 'DOWN', 'BULL', 'BEAR'] as const;

/** Our symbol ids, as the config schema accepts them. */
const SYMBOL_ID = /^[A-Z0-9]{2,20}$/;

/**
 * A leveraged token (BTCUP, ETHDOWN, BNBBULL, XRPBEAR) rebalances daily and decays, so its
 * candles do not say what its name says. Recognised by one of those suffixes on a base whose
 * remainder (2+ characters) is itself traded on the exchange: a plain suffix test would also drop
 * real coins such as JUP or SYRUP.
 */
export function isLeveragedToken(base: string, tradedBases: ReadonlySet<string>): boolean {
  return LEVERAGED_SUFFIXES.some((suffix) => {
    if (!base.endsWith(suffix)) return false;
    const underlying = base.slice(0, -suffix.length);
    return underlying.length >= 2 && tradedBases.has(underlying);
  });
}

/**
 * A live exchange through ccxt: REST for history and gap backfill, the WebSocket (`watchOHLCV`)
 * to learn promptly that a candle has closed, REST polling when there is no WebSocket.
 *
 * Candle values always come from REST, never from the stream. ccxt's `watchOHLCV` drops the
 * exchange's "kline closed" flag and, after a silent reconnect, its cache can hold a partial
 * candle whose final update was lost; REST is what history, backfill and imported files hold,
 * so live data equals what a backtest sees. The stream only says "a newer candle has opened".
 * The cost is one small REST call per symbol per base candle.
 */
export class CcxtSource implements MarketSource {
  readonly kind: string;
  readonly label = 'LIVE' as const;
  readonly timeframe: Timeframe;
  private readonly exchange: Exchange;
  private readonly step: number;
  private readonly now: () => number;
  private readonly log: (level: LogLevel, msg: string) => void;
  private readonly pollIntervalMs: number;
  private readonly connectTimeoutMs: number;
  private readonly backoff: BackoffOptions;
  private readonly warmupCandles: number;
  private readonly pageLimit: number;
  private readonly streamCapable: boolean;
  private readonly streamRetryMs: number;
  private readonly closeGraceMs: number;
  private readonly needsHttpAgent: boolean;
  private readonly markets = new Map<string, string>();
  private readonly feeds = new Map<string, Feed>();
  private readonly loops = new Set<Promise<void>>();
  private readonly waiting = new Map<string, number | undefined>();
  private marketsLoading: Promise<void> | null = null;
  private marketsFailed = false;
  private reached = false;
  private handler: CandleHandler | null = null;
  private stopped = false;
  private failure: string | null = null;
  /** Set while polling because the stream could not be used: when to try it again, and why. */
  private streamDown: { readonly retryAt: number; readonly reason: string } | null = null;
  private handlerChain: Promise<void> = Promise.resolve();
  /** WebSocket connections opened so far (ccxt's onConnected hook). */
  private streamConnects = 0;

  constructor(opts: CcxtSourceOptions) {
    const id = opts.exchange ?? 'binance';
    this.kind = id;
    this.timeframe = opts.timeframe;
    this.step = timeframeMs(opts.timeframe);
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? defaultLog;
    this.pollIntervalMs = positive('pollIntervalMs', opts.pollIntervalMs ?? 5000);
    this.connectTimeoutMs = positive('connectTimeoutMs', opts.connectTimeoutMs ?? 10_000);
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    positive('backoff.initialMs', this.backoff.initialMs);
    positive('backoff.maxMs', this.backoff.maxMs);
    this.warmupCandles = Math.max(0, Math.floor(opts.warmupCandles ?? 1000));
    this.pageLimit = positive('pageLimit', Math.floor(opts.pageLimit ?? 1000));
    this.streamRetryMs = positive('websocketRetryMs', opts.websocketRetryMs ?? 300_000);
    this.closeGraceMs = Math.max(0, opts.closeGraceMs ?? 2000);

    const proClass = exchangeClass(ccxt.pro, id);
    const restClass = ccxt.exchanges.includes(id) ? exchangeClass(ccxt, id) : undefined;
    const Class = proClass ?? restClass;
    if (!Class) {
      throw new RangeError(
        `unknown exchange "${id}": ccxt knows ${ccxt.exchanges.length} exchanges, e.g. binance`,
      );
    }
    this.exchange = new Class({
      enableRateLimit: opts.enableRateLimit ?? true,
      timeout: positive('requestTimeoutMs', opts.requestTimeoutMs ?? 10_000),
      options: {
        defaultType: 'spot',
        // our symbols are spot pairs; loading futures markets too would cost two more requests
        // and give BTCUSDT a second (contract) market with the same id
        ...(id === 'binance' ? { fetchMarkets: { types: ['spot'] } } : {}),
        // reconnect pacing is ours (backoff above), so ccxt must not add its own delay on top
        ws: { backoff: { base: 0 } },
      },
    });
    const api = this.exchange.urls.api as Record<string, unknown>;
    if (opts.urls?.api) Object.assign(api, opts.urls.api);
    if (opts.urls?.ws) {
      const ws = api.ws;
      api.ws = { ...(typeof ws === 'object' && ws !== null ? ws : {}), ...opts.urls.ws };
    }
    // ccxt refuses plain ws:// URLs until its http agent is loaded (it treats them as proxies)
    this.needsHttpAgent = Object.values(opts.urls?.ws ?? {}).some((u) => u.startsWith('ws://'));
    this.streamCapable =
      (opts.websocket ?? true) && proClass !== undefined && this.exchange.has.watchOHLCV === true;
    // ccxt's hook for user code: tells a dropped connection from an endpoint that never opened
    this.exchange.onConnected = () => {
      this.streamConnects++;
    };
  }

  state(): SourceState {
    if (this.stopped) return 'stopped';
    if (this.failure !== null) return 'failed';
    if (!this.reached) return 'connecting';
    if (!this.handler) return 'idle';
    for (const f of this.feeds.values()) if (f.state === 'reconnecting') return 'reconnecting';
    return 'live';
  }

  describe(): string {
    const st = this.state();
    if (st === 'failed') return String(this.failure);
    if (st === 'stopped') return `${this.kind} ${this.timeframe}: stopped`;
    if (st === 'connecting') return `${this.kind} ${this.timeframe}: connecting to ${this.restBase()}`;
    if (st === 'idle') return `${this.kind} ${this.timeframe}: reachable at ${this.restBase()}, not started`;
    const how = this.streamDown
      ? `REST polling every ${seconds(this.pollIntervalMs)} (WebSocket unavailable: ${this.streamDown.reason})`
      : this.streamCapable
        ? 'WebSocket with REST backfill'
        : `REST polling every ${seconds(this.pollIntervalMs)}`;
    const symbols = [...this.feeds.keys()].sort();
    const troubled = [...this.feeds.values()]
      .filter((f) => f.state === 'reconnecting')
      .map((f) => `${f.symbol} reconnecting (attempt ${f.attempts}): ${f.lastError}`);
    let delivered = 0;
    for (const f of this.feeds.values()) delivered += f.delivered;
    return [
      `${this.kind} ${this.timeframe} live via ${how}; ${symbols.length} symbol(s)${symbols.length ? `: ${symbols.join(', ')}` : ''}; ${delivered} candles delivered`,
      ...troubled,
    ].join('; ');
  }

  /**
   * Checks that the exchange answers (its markets load) within `timeoutMs`. On failure the
   * source is 'failed' and `reason` is one line naming the exchange, the URL and the error.
   */
  async probe(timeoutMs = this.connectTimeoutMs): Promise<ProbeResult> {
    try {
      await withTimeout(this.loadMarkets(), timeoutMs, () => this.timeoutReason(timeoutMs));
      if (this.failure !== null && !this.stopped) this.failure = null;
      return { ok: true };
    } catch (e) {
      const reason = errorLine(e);
      this.failure = `cannot reach ${this.kind}: ${reason}`;
      return { ok: false, reason };
    }
  }

  /**
   * Our ids (e.g. BTCUSDT) of the `n` active spot markets quoted in `quote` with the largest 24h
   * quote volume, largest first, ties by id; leveraged tokens and stablecoin bases left out (see
   * `isLeveragedToken`, `STABLECOIN_BASES`). Markets without 24h volume are not ranked. Fewer
   * than `n` when the exchange has fewer. One `fetchTickers` call: on Binance the whole spot
   * ticker list (`/api/v3/ticker/24hr`, request weight 80), so this is for start-up, not a loop.
   */
  async topSymbols(n: number, quote = 'USDT'): Promise<string[]> {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`topSymbols: n must be a whole number >= 0, got ${n}`);
    if (n === 0) return [];
    const quoteCode = quote.trim().toUpperCase();
    if (this.exchange.has.fetchTickers !== true) {
      throw new Error(
        `${this.kind} cannot list 24h tickers (ccxt has no fetchTickers for it): list symbols instead`,
      );
    }
    let step = 'loading markets';
    let tickers: Tickers;
    try {
      await withTimeout(this.loadMarkets(), this.connectTimeoutMs, () =>
        this.timeoutReason(this.connectTimeoutMs),
      );
      step = 'fetching 24h tickers';
      tickers = await this.exchange.fetchTickers();
    } catch (e) {
      // ccxt's message for an exchange error code names neither the call nor the host
      throw new Error(
        `cannot reach ${this.kind} to rank markets by 24h volume (${step} from ${this.restBase()}): ${errorLine(e)}`,
      );
    }
    const markets = Object.values(this.exchange.markets ?? {}) as MarketInterface[];
    const tradedBases = new Set<string>();
    for (const m of markets) if (typeof m.base === 'string') tradedBases.add(m.base);
    const ranked: Array<{ id: string; volume: number }> = [];
    const seen = new Set<string>();
    for (const market of markets) {
      const { base, id: exchangeId, symbol } = market;
      if (market.spot !== true || market.active === false || market.quote !== quoteCode) continue;
      if (typeof base !== 'string' || typeof symbol !== 'string') continue;
      if (STABLECOIN_BASES.has(base) || isLeveragedToken(base, tradedBases)) continue;
      // the exchange's own id round-trips through resolveMarket; base+quote covers ids like BTC-USDT
      const id =
        typeof exchangeId === 'string' && SYMBOL_ID.test(exchangeId) ? exchangeId : `${base}${quoteCode}`;
      if (!SYMBOL_ID.test(id) || seen.has(id)) continue;
      const ticker = tickers[symbol];
      const volume = ticker ? quoteVolumeOf(ticker) : null;
      // a market nobody traded in 24 h is not worth following, whatever n asks
      if (volume === null || !(volume > 0)) continue;
      seen.add(id);
      ranked.push({ id, volume });
    }
    ranked.sort((a, b) => b.volume - a.volume || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return ranked.slice(0, n).map((r) => r.id);
  }

  async history(symbol: string, from: number, to?: number): Promise<Candle[]> {
    const market = await this.resolveMarket(symbol);
    const out: Candle[] = [];
    const closedAt = this.now() - this.closeGraceMs;
    for await (const page of this.pages(symbol, market, from, to ?? Number.POSITIVE_INFINITY, closedAt)) {
      for (const c of page.candles) out.push(c);
    }
    return out;
  }

  async start(after: ReadonlyMap<string, number>, onCandle: CandleHandler): Promise<void> {
    if (this.handler) throw new Error(`the ${this.kind} source is already started`);
    if (this.stopped) throw new Error(`the ${this.kind} source is stopped`);
    const probe = await this.probe(this.connectTimeoutMs);
    if (!probe.ok) throw new Error(`cannot reach ${this.kind}: ${probe.reason}`);
    const wanted = new Map<string, number | undefined>(this.waiting);
    for (const [symbol, t] of after) wanted.set(symbol, t);
    const resolved: Array<[string, string, number | undefined]> = [];
    for (const [symbol, t] of wanted) resolved.push([symbol, await this.resolveMarket(symbol), t]);
    this.handler = onCandle;
    this.waiting.clear();
    for (const [symbol, market, t] of resolved) this.launch(symbol, market, t);
    this.log(
      'info',
      `${this.kind}: following ${resolved.map((r) => r[0]).join(', ') || 'no symbols'} on ${this.timeframe} (${this.streamCapable ? 'WebSocket' : 'REST polling'})`,
    );
  }

  async addSymbol(symbol: string, after?: number): Promise<void> {
    if (this.stopped) throw new Error(`the ${this.kind} source is stopped`);
    const market = await this.resolveMarket(symbol);
    if (this.feeds.has(symbol)) return;
    if (!this.handler) {
      this.waiting.set(symbol, after);
      return;
    }
    this.launch(symbol, market, after);
  }

  removeSymbol(symbol: string): void {
    this.waiting.delete(symbol);
    const feed = this.feeds.get(symbol);
    if (!feed) return;
    this.feeds.delete(symbol);
    feed.abort.abort();
    if (this.streamCapable && !this.streamDown && this.exchange.has.unWatchOHLCV === true) {
      this.exchange.unWatchOHLCV(feed.market, this.timeframe).catch(() => {});
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting.clear();
    for (const feed of this.feeds.values()) feed.abort.abort();
    this.feeds.clear();
    await Promise.allSettled([...this.loops]);
    await this.handlerChain;
    try {
      await this.exchange.close();
    } catch {
      // closing is best effort: the process may be going away anyway
    }
  }

  // --- markets ---------------------------------------------------------------------------

  private restBase(): string {
    const api = this.exchange.urls.api as Record<string, unknown>;
    const first = ['public', 'rest', 'spot'].map((k) => api[k]).find((v) => typeof v === 'string');
    return typeof first === 'string' ? first : String(this.exchange.urls.www ?? this.kind);
  }

  private timeoutReason(ms: number): string {
    return `no answer from ${this.restBase()} within ${ms} ms`;
  }

  private loadMarkets(): Promise<void> {
    if (!this.marketsLoading) {
      // a failed load stays cached inside ccxt; only a reload asks again
      const reload = this.marketsFailed;
      this.marketsLoading = (async () => {
        if (this.needsHttpAgent) await this.exchange.loadHttpProxyAgent();
        await this.exchange.loadMarkets(reload);
        this.reached = true;
      })();
      this.marketsLoading.catch(() => {
        this.marketsLoading = null;
        this.marketsFailed = true;
      });
    }
    return this.marketsLoading;
  }

  /** Maps our symbol (BTCUSDT) to ccxt's (BTC/USDT): by exchange id first, then base+quote. */
  private async resolveMarket(symbol: string): Promise<string> {
    const hit = this.markets.get(symbol);
    if (hit) return hit;
    await this.loadMarkets();
    const byId = (this.exchange.markets_by_id?.[symbol] ?? []) as MarketInterface[];
    const all = Object.values(this.exchange.markets ?? {}) as MarketInterface[];
    const market =
      byId.find((m) => m.spot) ??
      byId[0] ??
      all.find((m) => m.spot && `${m.base}${m.quote}` === symbol) ??
      all.find((m) => m.symbol === symbol);
    if (!market) {
      throw new RangeError(
        `${this.kind} has no market "${symbol}" (symbols are written like BTCUSDT; ${all.length} markets loaded)`,
      );
    }
    this.markets.set(symbol, market.symbol);
    return market.symbol;
  }

  // --- REST --------------------------------------------------------------------------------

  /**
   * Closed, valid candles of `symbol` opening in [from, to), page by page. A candle counts as
   * closed when it ends at or before `closedAt`; the exchange's forming candle never passes.
   * `lastSeen` is the last closed open time looked at, valid or not, so a rejected candle is
   * not asked for again and again.
   */
  private async *pages(
    symbol: string,
    market: string,
    from: number,
    to: number,
    closedAt: number,
    signal?: AbortSignal,
  ): AsyncGenerator<{ candles: Candle[]; lastSeen: number }> {
    let since = this.alignUp(from);
    let last = Number.NEGATIVE_INFINITY;
    while (since < to && since + this.step <= closedAt) {
      // live catch-up usually wants one candle: a small page costs less of the rate limit
      const wanted = Math.floor((Math.min(to, closedAt) - since) / this.step) + 1;
      const limit = Math.min(this.pageLimit, Math.max(2, wanted));
      const rows: OHLCV[] = await untilAborted(
        this.exchange.fetchOHLCV(market, this.timeframe, since, limit),
        signal,
      );
      this.reached = true;
      const candles: Candle[] = [];
      let done = rows.length === 0;
      const before = last;
      for (const row of rows) {
        const t = Number(row[0]);
        if (!Number.isSafeInteger(t)) {
          this.log(
            'warn',
            `${this.kind} ${symbol} ${this.timeframe}: a candle without a valid open time (${row[0]}) skipped`,
          );
          continue;
        }
        if (t <= last || t < since) continue;
        if (t >= to || t + this.step > closedAt) {
          done = true;
          break;
        }
        last = t;
        const c = toCandle(row);
        const problem = checkCandle(c, this.timeframe);
        if (problem) {
          this.log(
            'warn',
            `${this.kind} ${symbol} ${this.timeframe} candle ${iso(t)} (open_time ${t}) skipped: ${problem.message}`,
          );
        } else {
          candles.push(c);
        }
      }
      yield { candles, lastSeen: last };
      if (done || last === before) return;
      since = last + this.step;
    }
  }

  // --- following ---------------------------------------------------------------------------

  private launch(symbol: string, market: string, after: number | undefined): void {
    const cursor =
      after !== undefined && Number.isFinite(after)
        ? after
        : alignTime(this.timeframe, this.now()) - (this.warmupCandles + 1) * this.step;
    const feed: Feed = {
      symbol,
      market,
      abort: new AbortController(),
      cursor,
      state: 'connecting',
      attempts: 0,
      lastError: null,
      delivered: 0,
    };
    this.feeds.set(symbol, feed);
    const loop = this.run(feed).catch((e: unknown) => {
      // run() handles its own errors; reaching here is a bug, reported rather than swallowed
      this.log('error', `${this.kind} ${symbol}: feed stopped: ${errorLine(e)}`);
    });
    this.loops.add(loop);
    loop.finally(() => this.loops.delete(loop));
  }

  private useStream(): boolean {
    if (!this.streamCapable) return false;
    if (this.streamDown && this.now() < this.streamDown.retryAt) return false;
    return true;
  }

  /** Catch up from REST, follow live; after a failure back off, catch up again, carry on. */
  private async run(feed: Feed): Promise<void> {
    const { signal } = feed.abort;
    while (!signal.aborted) {
      try {
        await this.catchUp(feed, this.now() - this.closeGraceMs);
        feed.state = 'live';
        if (this.useStream()) await this.follow(feed);
        else await this.poll(feed);
      } catch (e) {
        if (signal.aborted || e instanceof Aborted) break;
        if (e instanceof StreamError && !e.worked) {
          // no stream at all (refused, blocked, unsupported): poll now, try it again later
          const reason = e.message;
          if (!this.streamDown) {
            this.log(
              'warn',
              `${this.kind}: WebSocket unavailable (${reason}); polling REST every ${seconds(this.pollIntervalMs)}, next WebSocket try in ${seconds(this.streamRetryMs)}`,
            );
          }
          this.streamDown = { retryAt: this.now() + this.streamRetryMs, reason };
          continue;
        }
        feed.attempts++;
        feed.state = 'reconnecting';
        feed.lastError = e instanceof Error ? e.message : String(e);
        const delay = this.backoffDelay(feed.attempts);
        const handlerFailed = e instanceof HandlerError;
        this.log(
          handlerFailed ? 'error' : 'warn',
          `${this.kind} ${feed.symbol}: ${feed.lastError}; ${handlerFailed ? 'offering it again' : 'reconnecting'} in ${delay} ms (attempt ${feed.attempts})`,
        );
        try {
          await sleep(delay, undefined, { signal });
        } catch {
          break;
        }
      }
    }
  }

  private backoffDelay(attempt: number): number {
    const { initialMs, maxMs, jitter } = this.backoff;
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 30));
    return jitter ? Math.round(base * (0.5 + Math.random() / 2)) : base;
  }

  /** Delivers every closed candle after the feed's cursor, from REST. */
  private async catchUp(feed: Feed, closedAt: number): Promise<void> {
    const { signal } = feed.abort;
    for await (const page of this.pages(
      feed.symbol,
      feed.market,
      feed.cursor + 1,
      Number.POSITIVE_INFINITY,
      closedAt,
      signal,
    )) {
      for (const c of page.candles) {
        if (c.openTime <= feed.cursor) continue;
        await this.deliver(feed, c);
        feed.cursor = c.openTime;
      }
      if (page.lastSeen > feed.cursor) feed.cursor = page.lastSeen;
    }
  }

  private async deliver(feed: Feed, candle: Candle): Promise<void> {
    const handler = this.handler;
    if (!handler) return;
    const { signal } = feed.abort;
    if (signal.aborted) throw new Aborted();
    // one handler call at a time across symbols: the pipeline and store see a single stream
    const call = this.handlerChain.then(async () => {
      if (signal.aborted) throw new Aborted();
      try {
        await handler(feed.symbol, candle);
      } catch (e) {
        throw new HandlerError(
          `the candle handler failed on ${feed.symbol} ${iso(candle.openTime)}: ${errorLine(e)}`,
        );
      }
    });
    this.handlerChain = call.then(
      () => {},
      () => {},
    );
    await call;
    feed.delivered++;
  }

  /** Open time of the first candle the feed still waits for. */
  private nextOpen(feed: Feed): number {
    return this.alignUp(feed.cursor + 1);
  }

  /** When, by our clock, that candle is surely closed. */
  private dueAt(feed: Feed): number {
    return this.nextOpen(feed) + this.step + this.closeGraceMs;
  }

  /** True when at least one of ccxt's WebSocket clients is open. */
  private streamOpen(): boolean {
    return Object.values(this.exchange.clients ?? {}).some((c) => c.isOpen());
  }

  /**
   * Follows the stream. An update for a candle newer than the next one due means that one has
   * closed (by the exchange's own clock): fetch it, and anything missed, from REST. If the stream
   * stays quiet past the close (plus grace) by our clock, REST is asked anyway.
   */
  private async follow(feed: Feed): Promise<void> {
    const { signal } = feed.abort;
    // a failure counts as a drop (reconnect with backoff) when the stream was open at some point
    // here; an endpoint that never opened means no stream at all (poll)
    const connectsBefore = this.streamConnects;
    let worked = this.streamOpen();
    let triggeredBy = Number.NEGATIVE_INFINITY;
    let askedAt = Number.NEGATIVE_INFINITY;
    for (;;) {
      const now = this.now();
      if (now >= this.dueAt(feed) && now - askedAt >= this.pollIntervalMs) {
        askedAt = now;
        await this.catchUp(feed, now - this.closeGraceMs);
      }
      const untilDue = this.dueAt(feed) - this.now();
      const quiet = cancellableSleep(
        untilDue > 0 ? Math.min(untilDue, this.pollIntervalMs) : this.pollIntervalMs,
      );
      let rows: OHLCV[] | null;
      try {
        rows = await untilAborted(
          Promise.race([this.exchange.watchOHLCV(feed.market, this.timeframe), quiet.done]),
          signal,
        );
      } catch (e) {
        if (e instanceof Aborted) throw e;
        throw new StreamError(e, worked || this.streamConnects > connectsBefore);
      } finally {
        quiet.cancel();
      }
      if (rows === null) continue;
      if (!worked) {
        worked = true;
        this.streamDown = null;
      }
      feed.attempts = 0;
      let newest = Number.NEGATIVE_INFINITY;
      for (const row of rows) {
        const t = Number(row[0]);
        if (Number.isSafeInteger(t) && t > newest) newest = t;
      }
      // each newer open time asks REST once; a candle REST does not have yet (or never will,
      // exchange outages leave holes) is retried by the overdue check above, not per message
      if (newest > this.nextOpen(feed) && newest > triggeredBy) {
        triggeredBy = newest;
        askedAt = this.now();
        await this.catchUp(feed, Math.max(newest, askedAt - this.closeGraceMs));
      }
    }
  }

  /** Polls REST when a candle is due; returns when it is time to try the stream again. */
  private async poll(feed: Feed): Promise<void> {
    const { signal } = feed.abort;
    for (;;) {
      try {
        await sleep(this.pollIntervalMs, undefined, { signal });
      } catch {
        throw new Aborted();
      }
      const now = this.now();
      if (now >= this.dueAt(feed)) await this.catchUp(feed, now - this.closeGraceMs);
      feed.attempts = 0;
      feed.state = 'live';
      if (this.useStream()) return;
    }
  }

  private alignUp(t: number): number {
    const a = alignTime(this.timeframe, t);
    return a === t ? t : a + this.step;
  }
}

function exchangeClass(registry: object, id: string): ExchangeClass | undefined {
  if (!Object.hasOwn(registry, id)) return undefined;
  const c = (registry as Record<string, unknown>)[id];
  return typeof c === 'function' ? (c as ExchangeClass) : undefined;
}

function toCandle(row: OHLCV): Candle {
  return {
    openTime: Number(row[0]),
    open: Number(row[1]),
    high: Number(row[2]),
    low: Number(row[3]),
    close: Number(row[4]),
    volume: Number(row[5]),
  };
}

/** The ticker's 24h volume in the quote currency; from base volume times a price when not given. */
function quoteVolumeOf(t: Ticker): number | null {
  if (typeof t.quoteVolume === 'number' && Number.isFinite(t.quoteVolume)) return t.quoteVolume;
  const price = t.vwap ?? t.last ?? t.close;
  if (typeof t.baseVolume === 'number' && typeof price === 'number') {
    const v = t.baseVolume * price;
    if (Number.isFinite(v)) return v;
  }
  return null;
}

function positive(name: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be a positive number, got ${v}`);
  return v;
}

function iso(t: number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toISOString();
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** One line for logs: ccxt errors sometimes carry a whole response body. */
function errorLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const line = msg.split('\n')[0].trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function defaultLog(level: LogLevel, msg: string): void {
  if (level === 'warn' || level === 'error') process.stderr.write(`[${level}] ${msg}\n`);
}

function withTimeout<T>(p: Promise<T>, ms: number, reason: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(reason())), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A timer that resolves with null, and can be cleared so it does not keep the process alive. */
function cancellableSleep(ms: number): { done: Promise<null>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return { done, cancel: () => clearTimeout(timer) };
}

/** Races `p` against the signal, so stop() never waits for a slow request or a quiet stream. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) {
    p.catch(() => {});
    return Promise.reject(new Aborted());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
