import type { FastifyPluginAsync } from 'fastify';
import type { MemoryCache } from '../../adapters/cache/memory-cache.js';
import type { SignalStore } from '../../adapters/store/ports.js';
import { calibration, computePerformance, equityCurve, groupPerformance } from '../../core/metrics/index.js';
import type { GroupKey, TradeRecord } from '../../core/metrics/types.js';
import { tradeOf } from '../../core/outcomes/trade-record.js';
import { checkRange, parseTimeParam } from '../errors.js';
import { enumOf, publicErrors, timeParam } from '../schemas/common.js';
import { GROUP_KEYS, PerformanceResponseSchema } from '../schemas/performance.js';

interface PerformanceQuery {
  groupBy?: GroupKey;
  since?: string;
  until?: string;
  minTrades: number;
}

export const PERFORMANCE_CACHE_PREFIX = 'performance|';

/**
 * The live track record: real (not shadow) outcomes of stored signals that were filled,
 * measured with the same functions as the backtest report. The window selects signals by
 * creation time, as the backtest's range does. Answers are cached; a closed outcome on the bus
 * drops them (see app.ts).
 */
export const performanceRoutes: FastifyPluginAsync<{
  signals: SignalStore;
  cache: MemoryCache<unknown>;
  /** How the equity curve sizes trades (config `portfolio`). */
  sizing: { readonly riskPerTrade: number; readonly maxOpenRisk: number };
  /** The costs outcomes are measured after (config `outcomes`). */
  costs: { readonly feePerSide: number; readonly slippagePerSide: number };
}> = async (app, { signals, cache, sizing, costs }) => {
  app.get<{ Querystring: PerformanceQuery }>(
    '/performance',
    {
      schema: {
        tags: ['performance'],
        summary: 'Track record over live outcomes: overall, per group, calibration, equity curve',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            groupBy: enumOf(GROUP_KEYS, 'Also give the figures per value of this field'),
            since: timeParam('Signals created at or after'),
            until: timeParam('Signals created before'),
            minTrades: {
              type: 'integer',
              minimum: 1,
              maximum: 100_000,
              default: 30,
              description: 'A figure is reliable when it rests on at least this many trades',
            },
          },
        },
        response: { 200: PerformanceResponseSchema, ...publicErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const since = parseTimeParam(q.since, 'querystring/since');
      const until = parseTimeParam(q.until, 'querystring/until');
      checkRange(since, until, ['querystring/since', 'querystring/until']);
      const key = `${PERFORMANCE_CACHE_PREFIX}${q.groupBy ?? ''}|${since ?? ''}|${until ?? ''}|${q.minTrades}`;
      return cache.getOrSet(key, async () => {
        const trades: TradeRecord[] = [];
        for (const { signal, outcome } of await signals.liveTrades({ since, until })) {
          const t = tradeOf(signal, outcome);
          if (t) trades.push(t);
        }
        const opts = { minTrades: q.minTrades, ...sizing };
        return {
          since: since ?? null,
          until: until ?? null,
          minTrades: q.minTrades,
          trades: trades.length,
          costs: { ...costs, roundTrip: 2 * (costs.feePerSide + costs.slippagePerSide) },
          sizing,
          overall: computePerformance(trades, opts),
          groupBy: q.groupBy ?? null,
          groups: q.groupBy ? groupPerformance(trades, q.groupBy, opts) : null,
          calibration: calibration(trades, opts),
          equity: equityCurve(trades, { sizing }),
        };
      });
    },
  );
};
