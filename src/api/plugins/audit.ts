import type { FastifyInstance } from 'fastify';
import type { AuditStore } from '../../adapters/store/ports.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The action was audited in full by the route (or the runtime it called): no generic row. */
    audited: boolean;
  }
}

/**
 * Every admin request that may change something (not GET or HEAD) leaves an audit row: the
 * routes that audit their action in full (symbols, evaluate, close, cancel) mark the request
 * `audited`; any other admin request, and a refused one (404, 409, ...), is recorded here as
 * `admin.request` with its route, parameters and status. Requests whose key was not accepted
 * have no actor and are only logged.
 */
export function registerAuditHook(
  app: FastifyInstance,
  opts: { readonly audit: AuditStore | null; readonly now: () => number },
): void {
  app.decorateRequest('audited', false);
  const { audit, now } = opts;
  if (!audit) return;
  app.addHook('onResponse', async (request, reply) => {
    const actor = request.adminActor;
    if (actor === null || request.audited || request.method === 'GET' || request.method === 'HEAD') return;
    const route = request.routeOptions.url ?? request.url;
    try {
      await audit.append({
        at: now(),
        actor,
        action: 'admin.request',
        target: `${request.method} ${route}`,
        after: { params: request.params ?? null, statusCode: reply.statusCode },
      });
    } catch (e) {
      request.log.error({ err: e }, 'audit trail: cannot record an admin request');
    }
  });
}
