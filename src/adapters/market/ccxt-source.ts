import type { Candle } from '../../core/candles/candle.js';
import { alignTime, type Timeframe, timeframeMs } from '../../core/candles/timeframe.js';
import { Aborted, withTimeout } from './ccxt-async.js';
import { topSymbolsByVolume } from './ccxt-discovery.js';
import { CcxtExchange } from './ccxt-exchange.js';
import { type FeedContext, HandlerError, SymbolFeed } from './ccxt-feed.js';
import { defaultLog, errorLine, iso, type LogFn, seconds } from './ccxt-log.js';
import { type BackoffOptions, runFeed } from './ccxt-reconnect.js';
import { restPages } from './ccxt-rest-pages.js';
import { StreamAvailability } from './ccxt-stream-trigger.js';
import type { CandleHandler, MarketSource, SourceState } from './source.js';

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
  readonly log?: LogFn;
}

export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000, jitter: false };

function positive(name: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be a positive number, got ${v}`);
  return v;
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
 *
 * The parts, one job a file: the ccxt client and its markets (ccxt-exchange), REST paging
 * (ccxt-rest-pages), one symbol's feed and its catch-up (ccxt-feed), the WebSocket as the close
 * trigger (ccxt-stream-trigger), polling without it (ccxt-polling), reconnect with backoff
 * (ccxt-reconnect) and top-N discovery (ccxt-discovery). This class is the MarketSource over
 * them: it starts and stops the feeds and hands their candles to the handler one at a time.
 */
export class CcxtSource implements MarketSource {
  readonly kind: string;
  readonly label = 'LIVE' as const;
  readonly timeframe: Timeframe;
  private readonly exchange: CcxtExchange;
  private readonly feedContext: FeedContext;
  private readonly stream: StreamAvailability;
  private readonly now: () => number;
  private readonly log: LogFn;
  private readonly pollIntervalMs: number;
  private readonly connectTimeoutMs: number;
  private readonly backoff: BackoffOptions;
  private readonly warmupCandles: number;
  private readonly streamRetryMs: number;
  private readonly closeGraceMs: number;
  private readonly feeds = new Map<string, SymbolFeed>();
  private readonly loops = new Set<Promise<void>>();
  private readonly waiting = new Map<string, number | undefined>();
  private handler: CandleHandler | null = null;
  private stopped = false;
  private failure: string | null = null;
  private handlerChain: Promise<void> = Promise.resolve();

  constructor(opts: CcxtSourceOptions) {
    const id = opts.exchange ?? 'binance';
    this.kind = id;
    this.timeframe = opts.timeframe;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? defaultLog;
    this.pollIntervalMs = positive('pollIntervalMs', opts.pollIntervalMs ?? 5000);
    this.connectTimeoutMs = positive('connectTimeoutMs', opts.connectTimeoutMs ?? 10_000);
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    positive('backoff.initialMs', this.backoff.initialMs);
    positive('backoff.maxMs', this.backoff.maxMs);
    this.warmupCandles = Math.max(0, Math.floor(opts.warmupCandles ?? 1000));
    const pageLimit = positive('pageLimit', Math.floor(opts.pageLimit ?? 1000));
    this.streamRetryMs = positive('websocketRetryMs', opts.websocketRetryMs ?? 300_000);
    this.closeGraceMs = Math.max(0, opts.closeGraceMs ?? 2000);
    this.exchange = new CcxtExchange({
      id,
      requestTimeoutMs: positive('requestTimeoutMs', opts.requestTimeoutMs ?? 10_000),
      enableRateLimit: opts.enableRateLimit ?? true,
      urls: opts.urls,
      websocket: opts.websocket ?? true,
    });
    this.stream = new StreamAvailability(this.exchange.streamCapable);
    this.feedContext = {
      exchange: this.exchange,
      timeframe: this.timeframe,
      pageLimit,
      log: this.log,
      pollIntervalMs: this.pollIntervalMs,
      closeGraceMs: this.closeGraceMs,
      now: this.now,
      deliver: (feed, candle) => this.deliver(feed, candle),
    };
  }

  state(): SourceState {
    if (this.stopped) return 'stopped';
    if (this.failure !== null) return 'failed';
    if (!this.exchange.reached) return 'connecting';
    if (!this.handler) return 'idle';
    for (const f of this.feeds.values()) if (f.state === 'reconnecting') return 'reconnecting';
    return 'live';
  }

  async tickSize(symbol: string): Promise<number | null> {
    try {
      await this.exchange.resolveMarket(symbol);
    } catch {
      return null; // an unknown market or an unreachable exchange fails where candles are asked for
    }
    return this.exchange.tickSize(symbol);
  }

  describe(): string {
    const st = this.state();
    if (st === 'failed') return String(this.failure);
    if (st === 'stopped') return `${this.kind} ${this.timeframe}: stopped`;
    const restBase = this.exchange.restBase();
    if (st === 'connecting') return `${this.kind} ${this.timeframe}: connecting to ${restBase}`;
    if (st === 'idle') return `${this.kind} ${this.timeframe}: reachable at ${restBase}, not started`;
    const down = this.stream.down;
    const how = down
      ? `REST polling every ${seconds(this.pollIntervalMs)} (WebSocket unavailable: ${down.reason})`
      : this.stream.capable
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
      await withTimeout(this.exchange.loadMarkets(), timeoutMs, () => this.exchange.timeoutReason(timeoutMs));
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
  topSymbols(n: number, quote = 'USDT'): Promise<string[]> {
    return topSymbolsByVolume(this.exchange, this.connectTimeoutMs, n, quote);
  }

  async history(symbol: string, from: number, to?: number): Promise<Candle[]> {
    const market = await this.exchange.resolveMarket(symbol);
    const out: Candle[] = [];
    const closedAt = this.now() - this.closeGraceMs;
    const pages = restPages(this.feedContext, symbol, market, from, to ?? Number.POSITIVE_INFINITY, closedAt);
    for await (const page of pages) {
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
    for (const [symbol, t] of wanted) resolved.push([symbol, await this.exchange.resolveMarket(symbol), t]);
    this.handler = onCandle;
    this.waiting.clear();
    for (const [symbol, market, t] of resolved) this.launch(symbol, market, t);
    this.log(
      'info',
      `${this.kind}: following ${resolved.map((r) => r[0]).join(', ') || 'no symbols'} on ${this.timeframe} (${this.stream.capable ? 'WebSocket' : 'REST polling'})`,
    );
  }

  async addSymbol(symbol: string, after?: number): Promise<void> {
    if (this.stopped) throw new Error(`the ${this.kind} source is stopped`);
    const market = await this.exchange.resolveMarket(symbol);
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
    const client = this.exchange.client;
    if (this.stream.capable && !this.stream.down && client.has.unWatchOHLCV === true) {
      client.unWatchOHLCV(feed.market, this.timeframe).catch(() => {});
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
      await this.exchange.client.close();
    } catch {
      // closing is best effort: the process may be going away anyway
    }
  }

  private launch(symbol: string, market: string, after: number | undefined): void {
    const cursor =
      after !== undefined && Number.isFinite(after)
        ? after
        : alignTime(this.timeframe, this.now()) - (this.warmupCandles + 1) * timeframeMs(this.timeframe);
    const feed = new SymbolFeed(this.feedContext, symbol, market, cursor);
    this.feeds.set(symbol, feed);
    const loop = runFeed(feed, {
      backoff: this.backoff,
      streamRetryMs: this.streamRetryMs,
      stream: this.stream,
    }).catch((e: unknown) => {
      // runFeed handles its own errors; reaching here is a bug, reported rather than swallowed
      this.log('error', `${this.kind} ${symbol}: feed stopped: ${errorLine(e)}`);
    });
    this.loops.add(loop);
    loop.finally(() => this.loops.delete(loop));
  }

  private async deliver(feed: SymbolFeed, candle: Candle): Promise<void> {
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
}
