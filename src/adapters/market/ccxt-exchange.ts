import ccxt, { type Exchange, type MarketInterface } from 'ccxt';

type ExchangeClass = new (config?: Record<string, unknown>) => Exchange;

export interface CcxtExchangeOptions {
  /** A ccxt exchange id, e.g. `binance`. */
  readonly id: string;
  /** ccxt's timeout for each REST call. */
  readonly requestTimeoutMs: number;
  /** ccxt's own request throttling. */
  readonly enableRateLimit: boolean;
  /** Overrides of ccxt's REST (`api`) and stream (`ws`) base URLs: for tests against a local fake. */
  readonly urls?: { readonly api?: Record<string, string>; readonly ws?: Record<string, string> };
  /** Use the exchange's WebSocket when it has one. */
  readonly websocket: boolean;
}

/**
 * A market's price step from its ccxt precision: ccxt gives the tick itself (TICK_SIZE mode,
 * Binance) or a number of decimals (DECIMAL_PLACES mode); a precision in significant digits
 * has no fixed step.
 */
function tickOf(market: MarketInterface, precisionMode: number): number | null {
  const p = market.precision?.price;
  if (typeof p !== 'number' || !(p > 0 || p === 0)) return null;
  if (precisionMode === ccxt.TICK_SIZE) return p > 0 ? p : null;
  if (precisionMode === ccxt.DECIMAL_PLACES) return Number(`1e-${Math.round(p)}`);
  return null;
}

function exchangeClass(registry: object, id: string): ExchangeClass | undefined {
  if (!Object.hasOwn(registry, id)) return undefined;
  const c = (registry as Record<string, unknown>)[id];
  return typeof c === 'function' ? (c as ExchangeClass) : undefined;
}

/**
 * One ccxt client for an exchange (its pro class, with the WebSocket, when ccxt has one): our
 * settings applied, its markets loaded once and our symbol ids mapped to ccxt's, whether it has
 * answered yet and how many stream connections it has opened.
 */
export class CcxtExchange {
  readonly id: string;
  readonly client: Exchange;
  /** The exchange has a usable `watchOHLCV` and the WebSocket is wanted. */
  readonly streamCapable: boolean;
  /** The exchange has answered at least once. */
  reached = false;
  /** WebSocket connections opened so far (ccxt's onConnected hook). */
  streamConnects = 0;
  private readonly needsHttpAgent: boolean;
  private readonly markets = new Map<string, string>();
  private readonly ticks = new Map<string, number | null>();
  private marketsLoading: Promise<void> | null = null;
  private marketsFailed = false;

  constructor(opts: CcxtExchangeOptions) {
    const id = opts.id;
    this.id = id;
    const proClass = exchangeClass(ccxt.pro, id);
    const restClass = ccxt.exchanges.includes(id) ? exchangeClass(ccxt, id) : undefined;
    const Class = proClass ?? restClass;
    if (!Class) {
      throw new RangeError(
        `unknown exchange "${id}": ccxt knows ${ccxt.exchanges.length} exchanges, e.g. binance`,
      );
    }
    this.client = new Class({
      enableRateLimit: opts.enableRateLimit,
      timeout: opts.requestTimeoutMs,
      options: {
        defaultType: 'spot',
        // our symbols are spot pairs; loading futures markets too would cost two more requests
        // and give BTCUSDT a second (contract) market with the same id
        ...(id === 'binance' ? { fetchMarkets: { types: ['spot'] } } : {}),
        // reconnect pacing is ours (the feeds' backoff), so ccxt must not add its own delay on top
        ws: { backoff: { base: 0 } },
      },
    });
    const api = this.client.urls.api as Record<string, unknown>;
    if (opts.urls?.api) Object.assign(api, opts.urls.api);
    if (opts.urls?.ws) {
      const ws = api.ws;
      api.ws = { ...(typeof ws === 'object' && ws !== null ? ws : {}), ...opts.urls.ws };
    }
    // ccxt refuses plain ws:// URLs until its http agent is loaded (it treats them as proxies)
    this.needsHttpAgent = Object.values(opts.urls?.ws ?? {}).some((u) => u.startsWith('ws://'));
    this.streamCapable = opts.websocket && proClass !== undefined && this.client.has.watchOHLCV === true;
    // ccxt's hook for user code: tells a dropped connection from an endpoint that never opened
    this.client.onConnected = () => {
      this.streamConnects++;
    };
  }

  restBase(): string {
    const api = this.client.urls.api as Record<string, unknown>;
    const first = ['public', 'rest', 'spot'].map((k) => api[k]).find((v) => typeof v === 'string');
    return typeof first === 'string' ? first : String(this.client.urls.www ?? this.id);
  }

  timeoutReason(ms: number): string {
    return `no answer from ${this.restBase()} within ${ms} ms`;
  }

  loadMarkets(): Promise<void> {
    if (!this.marketsLoading) {
      // a failed load stays cached inside ccxt; only a reload asks again
      const reload = this.marketsFailed;
      this.marketsLoading = (async () => {
        if (this.needsHttpAgent) await this.client.loadHttpProxyAgent();
        await this.client.loadMarkets(reload);
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
  async resolveMarket(symbol: string): Promise<string> {
    const hit = this.markets.get(symbol);
    if (hit) return hit;
    await this.loadMarkets();
    const byId = (this.client.markets_by_id?.[symbol] ?? []) as MarketInterface[];
    const all = Object.values(this.client.markets ?? {}) as MarketInterface[];
    const market =
      byId.find((m) => m.spot) ??
      byId[0] ??
      all.find((m) => m.spot && `${m.base}${m.quote}` === symbol) ??
      all.find((m) => m.symbol === symbol);
    if (!market) {
      throw new RangeError(
        `${this.id} has no market "${symbol}" (symbols are written like BTCUSDT; ${all.length} markets loaded)`,
      );
    }
    this.markets.set(symbol, market.symbol);
    this.ticks.set(symbol, tickOf(market, this.client.precisionMode ?? -1));
    return market.symbol;
  }

  /** The price step of a resolved market (its precision), or null when unknown or not resolved yet. */
  tickSize(symbol: string): number | null {
    return this.ticks.get(symbol) ?? null;
  }

  /** True when at least one of ccxt's WebSocket clients is open. */
  streamOpen(): boolean {
    return Object.values(this.client.clients ?? {}).some((c) => c.isOpen());
  }
}
