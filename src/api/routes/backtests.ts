import type { FastifyPluginAsync } from 'fastify';
import type { SignalStore } from '../../adapters/store/ports.js';
import { notFound } from '../errors.js';
import { arrayOf, object, publicErrors, ref } from '../schemas/common.js';
import { BacktestDetailSchema } from '../schemas/performance.js';

export const backtestRoutes: FastifyPluginAsync<{ signals: SignalStore }> = async (app, { signals }) => {
  app.get(
    '/backtests',
    {
      schema: {
        tags: ['backtests'],
        summary: 'Stored backtest runs, newest first',
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: object({ items: arrayOf(ref('BacktestInfo')) }), ...publicErrors },
      },
    },
    async () => ({ items: await signals.listBacktests() }),
  );

  app.get<{ Params: { id: number } }>(
    '/backtests/:id',
    {
      schema: {
        tags: ['backtests'],
        summary: 'One stored backtest run with its full report',
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: { id: { type: 'integer', minimum: 1 } },
        },
        response: { 200: BacktestDetailSchema, ...publicErrors },
      },
    },
    async (request) => {
      const run = await signals.getBacktest(request.params.id);
      if (!run) throw notFound(`no backtest run with id ${request.params.id}`);
      return run;
    },
  );
};
