import type { FastifyPluginAsync } from 'fastify';
import type { RuntimeView } from '../../runtime/live/runtime-view.js';
import { object, ref } from '../schemas/common.js';
import { ReadySchema } from '../schemas/status.js';

/**
 * Probes for orchestrators: liveness says the process answers, readiness asks the runtime
 * whether the store answers and the market source is usable. Neither is rate limited.
 */
export const healthRoutes: FastifyPluginAsync<{ runtime: RuntimeView }> = async (app, { runtime }) => {
  app.get(
    '/health',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['service'],
        summary: 'Liveness: the process answers',
        response: { 200: object({ status: { enum: ['ok'] } }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['service'],
        summary:
          'Readiness: 200 when the store answers and the market source is usable, else 503 with the checks',
        response: { 200: ReadySchema, 503: ReadySchema, 500: ref('Error') },
      },
    },
    async (_request, reply) => {
      const r = await runtime.ready();
      return reply.status(r.ok ? 200 : 503).send({ ok: r.ok, checks: r.checks });
    },
  );
};
