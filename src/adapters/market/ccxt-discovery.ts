import type { MarketInterface, Ticker, Tickers } from 'ccxt';
import { withTimeout } from './ccxt-async.js';
import type { CcxtExchange } from './ccxt-exchange.js';
import { errorLine } from './ccxt-log.js';

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
 * Our ids (e.g. BTCUSDT) of the `n` active spot markets quoted in `quote` with the largest 24h
 * quote volume, largest first, ties by id; leveraged tokens and stablecoin bases left out (see
 * `isLeveragedToken`, `STABLECOIN_BASES`). Markets without 24h volume are not ranked. Fewer
 * than `n` when the exchange has fewer. One `fetchTickers` call: on Binance the whole spot
 * ticker list (`/api/v3/ticker/24hr`, request weight 80), so this is for start-up, not a loop.
 */
export async function topSymbolsByVolume(
  exchange: CcxtExchange,
  connectTimeoutMs: number,
  n: number,
  quote = 'USDT',
): Promise<string[]> {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`topSymbols: n must be a whole number >= 0, got ${n}`);
  if (n === 0) return [];
  const quoteCode = quote.trim().toUpperCase();
  if (exchange.client.has.fetchTickers !== true) {
    throw new Error(
      `${exchange.id} cannot list 24h tickers (ccxt has no fetchTickers for it): list symbols instead`,
    );
  }
  let step = 'loading markets';
  let tickers: Tickers;
  try {
    await withTimeout(exchange.loadMarkets(), connectTimeoutMs, () =>
      exchange.timeoutReason(connectTimeoutMs),
    );
    step = 'fetching 24h tickers';
    tickers = await exchange.client.fetchTickers();
  } catch (e) {
    // ccxt's message for an exchange error code names neither the call nor the host
    throw new Error(
      `cannot reach ${exchange.id} to rank markets by 24h volume (${step} from ${exchange.restBase()}): ${errorLine(e)}`,
    );
  }
  const markets = Object.values(exchange.client.markets ?? {}) as MarketInterface[];
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
