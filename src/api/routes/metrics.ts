import type { FastifyPluginAsync } from 'fastify';

/** Prometheus scrape endpoint (text exposition format); not rate limited, so scrapes never fail. */
export const metricsRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/metrics',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['service'],
        summary:
          'Prometheus metrics: process, HTTP, pipeline candles, signals, outcomes, WebSocket clients, cache',
        produces: ['text/plain'],
        response: {
          200: { type: 'string', description: 'Prometheus text exposition format 0.0.4' },
        },
      },
    },
    async (_request, reply) => {
      const text = await app.metrics.render();
      return reply.type(app.metrics.contentType).send(text);
    },
  );
};
