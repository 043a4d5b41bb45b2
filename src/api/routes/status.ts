import type { FastifyPluginAsync } from 'fastify';
import type { MemoryCache } from '../../adapters/cache/memory-cache.js';
import type { RuntimeView } from '../../runtime/live/runtime-view.js';
import { publicErrors } from '../schemas/common.js';
import { StatusSchema } from '../schemas/status.js';

export const statusRoutes: FastifyPluginAsync<{
  runtime: RuntimeView;
  cache: MemoryCache<unknown>;
  wsClients: () => number;
}> = async (app, { runtime, cache, wsClients }) => {
  app.get(
    '/status',
    {
      schema: {
        tags: ['service'],
        summary:
          'The running service: source, symbols and their last candles, pipeline timing, cache, WebSocket clients',
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: StatusSchema, ...publicErrors },
      },
    },
    async () => ({
      ...runtime.status(),
      cache: cache.stats(),
      websocket: { clients: wsClients() },
    }),
  );
};
