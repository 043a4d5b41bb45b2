import type { FastifyPluginAsync } from 'fastify';
import type { MemoryCache } from '../../adapters/cache/memory-cache.js';
import type { CandleStore, SeriesInfo } from '../../adapters/store/ports.js';
import { toColumns } from '../../core/candles/candle.js';
import { alignTime, TIMEFRAMES, type Timeframe, timeframeMs } from '../../core/candles/timeframe.js';
import { type IndicatorSpec, IndicatorSpecError, parseIndicatorSpecs } from '../../core/indicators/specs.js';
import {
  type CandleRead,
  CandlesNotStoredError,
  readStoredCandles,
} from '../../runtime/candles/read-stored.js';
import { badRequest, checkRange, notFound, parseTimeParam } from '../errors.js';
import { CandlesResponseSchema } from '../schemas/candles.js';
import { enumOf, publicErrors, symbolSchema, timeParam } from '../schemas/common.js';

export const MAX_CANDLES = 5000;
export const DEFAULT_CANDLES = 500;
export const MAX_INDICATORS = 10;
/** Indicators run over this many times their longest lookback before the first candle returned. */
const WARMUP_FACTOR = 3;

interface CandlesQuery {
  from?: string;
  to?: string;
  limit: number;
  indicators?: string;
  exchange?: string;
}

export interface CandleRouteOptions {
  readonly candles: CandleStore;
  readonly cache: MemoryCache<unknown>;
  /** Exchanges to look the symbol up under when the query names none, in order (a repeated one counts once). */
  readonly exchanges: () => readonly string[];
}

/** Cache keys start with the symbol so that a new candle of it drops exactly its windows. */
export function candleCacheKeyPrefix(symbol: string): string {
  return `candles|${symbol}|`;
}

async function findStored(
  store: CandleStore,
  symbol: string,
  exchanges: readonly string[],
): Promise<{ exchange: string; series: SeriesInfo[] }> {
  for (const exchange of exchanges) {
    const series = await store.findSeries(exchange, symbol);
    if (series.length > 0) return { exchange, series };
  }
  throw notFound(`no candles stored for ${symbol} (looked under exchange ${exchanges.join(', ')})`);
}

async function window(
  store: CandleStore,
  symbol: string,
  tf: Timeframe,
  q: {
    from?: number;
    to?: number;
    limit: number;
    exchanges: readonly string[];
    specs: readonly IndicatorSpec[];
  },
) {
  const { exchange, series } = await findStored(store, symbol, q.exchanges);
  const tfMs = timeframeMs(tf);
  const warmup = q.specs.length ? WARMUP_FACTOR * Math.max(...q.specs.map((s) => s.lookback)) : 0;
  let start: number;
  let end: number | undefined;
  if (q.from !== undefined) {
    start = q.from;
    // at most `limit` candle periods: reading to the end of the store would be wasted work
    const cap = alignTime(tf, q.from) + (q.limit + 1) * tfMs;
    end = q.to === undefined ? cap : Math.min(q.to, cap);
  } else {
    const lastClose = Math.max(...series.map((s) => s.last + timeframeMs(s.timeframe)));
    end = q.to ?? lastClose;
    // the newest candle that can have closed: the one holding `to`'s last instant or the last the data completes
    const newest = Math.min(alignTime(tf, end - 1), alignTime(tf, lastClose) - tfMs);
    start = newest - (q.limit - 1) * tfMs;
  }
  let read: CandleRead;
  try {
    read = await readStoredCandles(store, exchange, symbol, tf, { from: start - warmup * tfMs, to: end });
  } catch (e) {
    // readStoredCandles explains what is stored when the timeframe cannot be built
    if (e instanceof CandlesNotStoredError) throw notFound(e.message);
    throw e;
  }
  const all = read.candles;
  let first = all.findIndex((c) => c.openTime >= start);
  if (first < 0) first = all.length;
  let count = Math.min(q.limit, all.length - first);
  if (q.from === undefined) {
    // the newest candles when no start was given
    first = all.length - count;
  }
  count = Math.max(0, count);
  const columns = toColumns(all);
  const indicators = q.specs.map((spec) => {
    const out = spec.compute(columns);
    const values: Record<string, (number | null)[]> = {};
    spec.outputs.forEach((name, k) => {
      const column = out[k];
      const list = new Array<number | null>(count);
      for (let i = 0; i < count; i++) {
        const v = column[first + i];
        list[i] = Number.isNaN(v) ? null : v;
      }
      values[name] = list;
    });
    return {
      spec: spec.canonical,
      name: spec.name,
      params: spec.params,
      lookback: spec.lookback,
      outputs: spec.outputs,
      values,
    };
  });
  const candles = all.slice(first, first + count).map((c) => ({
    openTime: c.openTime,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
    complete: c.complete !== false,
  }));
  return {
    exchange,
    symbol,
    timeframe: tf,
    source: read.source,
    warmup: first,
    candles,
    indicators,
    stable: indicators.every((ind) => Object.values(ind.values).every((vs) => vs.every((v) => v !== null))),
  };
}

export const candleRoutes: FastifyPluginAsync<CandleRouteOptions> = async (app, opts) => {
  app.get<{ Params: { symbol: string; timeframe: Timeframe }; Querystring: CandlesQuery }>(
    '/candles/:symbol/:timeframe',
    {
      schema: {
        tags: ['candles'],
        summary:
          'Stored candles of a timeframe (aggregated from a finer stored one when needed), optionally with indicators',
        description: `Without \`from\`, the newest \`limit\` candles (up to \`to\`); with it, up to \`limit\` candle periods from \`from\`. Only closed candles. Indicators are computed over ${WARMUP_FACTOR} times their longest lookback of earlier candles too (reported as \`warmup\`), so values at the start of the window are settled.`,
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['symbol', 'timeframe'],
          properties: { symbol: symbolSchema, timeframe: enumOf(TIMEFRAMES) },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: timeParam('First open time (inclusive)'),
            to: timeParam('Open times before this (exclusive)'),
            limit: { type: 'integer', minimum: 1, maximum: MAX_CANDLES, default: DEFAULT_CANDLES },
            indicators: {
              type: 'string',
              minLength: 1,
              maxLength: 300,
              description: `Comma-separated specs, e.g. sma:20,rsi:14,macd:12:26:9 (at most ${MAX_INDICATORS})`,
            },
            exchange: {
              type: 'string',
              pattern: '^[a-z0-9_.-]{1,40}$',
              description: 'Exchange the candles are stored under (default: the running source)',
            },
          },
        },
        response: { 200: CandlesResponseSchema, ...publicErrors },
      },
    },
    async (request) => {
      const { symbol, timeframe } = request.params;
      const q = request.query;
      const from = parseTimeParam(q.from, 'querystring/from');
      const to = parseTimeParam(q.to, 'querystring/to');
      checkRange(from, to, ['querystring/from', 'querystring/to']);
      let specs: IndicatorSpec[] = [];
      if (q.indicators !== undefined) {
        try {
          specs = parseIndicatorSpecs(q.indicators);
        } catch (e) {
          if (e instanceof IndicatorSpecError) throw badRequest(`querystring/indicators: ${e.message}`);
          throw e;
        }
        if (specs.length > MAX_INDICATORS) {
          throw badRequest(`querystring/indicators: at most ${MAX_INDICATORS} indicators per request`);
        }
      }
      const exchanges = q.exchange ? [q.exchange] : [...new Set(opts.exchanges())];
      const key = `${candleCacheKeyPrefix(symbol)}${exchanges.join(',')}|${timeframe}|${from ?? ''}|${to ?? ''}|${q.limit}|${specs.map((s) => s.canonical).join(',')}`;
      return opts.cache.getOrSet(key, () =>
        window(opts.candles, symbol, timeframe, { from, to, limit: q.limit, exchanges, specs }),
      );
    },
  );
};
