import type { OHLCV } from 'ccxt';
import type { Candle } from '../../core/candles/candle.js';
import { alignTime, type Timeframe, timeframeMs } from '../../core/candles/timeframe.js';
import { checkCandle } from '../../core/candles/validation.js';
import { untilAborted } from './ccxt-async.js';
import type { CcxtExchange } from './ccxt-exchange.js';
import { iso, type LogFn } from './ccxt-log.js';

/** What the REST pager needs: the exchange, the one timeframe, the page size, where to warn. */
export interface RestPages {
  readonly exchange: CcxtExchange;
  readonly timeframe: Timeframe;
  /** Candles asked per request (Binance allows 1000). */
  readonly pageLimit: number;
  readonly log: LogFn;
}

/** The first open time of `timeframe` at or after `t`. */
export function alignUp(timeframe: Timeframe, t: number): number {
  const a = alignTime(timeframe, t);
  return a === t ? t : a + timeframeMs(timeframe);
}

/**
 * Closed, valid candles of `symbol` opening in [from, to), page by page. A candle counts as
 * closed when it ends at or before `closedAt`; the exchange's forming candle never passes.
 * `lastSeen` is the last closed open time looked at, valid or not, so a rejected candle is
 * not asked for again and again.
 */
export async function* restPages(
  rest: RestPages,
  symbol: string,
  market: string,
  from: number,
  to: number,
  closedAt: number,
  signal?: AbortSignal,
): AsyncGenerator<{ candles: Candle[]; lastSeen: number }> {
  const { exchange, timeframe, pageLimit, log } = rest;
  const step = timeframeMs(timeframe);
  let since = alignUp(timeframe, from);
  let last = Number.NEGATIVE_INFINITY;
  while (since < to && since + step <= closedAt) {
    // live catch-up usually wants one candle: a small page costs less of the rate limit
    const wanted = Math.floor((Math.min(to, closedAt) - since) / step) + 1;
    const limit = Math.min(pageLimit, Math.max(2, wanted));
    const rows: OHLCV[] = await untilAborted(
      exchange.client.fetchOHLCV(market, timeframe, since, limit),
      signal,
    );
    exchange.reached = true;
    const candles: Candle[] = [];
    let done = rows.length === 0;
    const before = last;
    for (const row of rows) {
      const t = Number(row[0]);
      if (!Number.isSafeInteger(t)) {
        log(
          'warn',
          `${exchange.id} ${symbol} ${timeframe}: a candle without a valid open time (${row[0]}) skipped`,
        );
        continue;
      }
      if (t <= last || t < since) continue;
      if (t >= to || t + step > closedAt) {
        done = true;
        break;
      }
      last = t;
      const c = toCandle(row);
      const problem = checkCandle(c, timeframe);
      if (problem) {
        log(
          'warn',
          `${exchange.id} ${symbol} ${timeframe} candle ${iso(t)} (open_time ${t}) skipped: ${problem.message}`,
        );
      } else {
        candles.push(c);
      }
    }
    yield { candles, lastSeen: last };
    if (done || last === before) return;
    since = last + step;
  }
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
