import type { FastifyPluginAsync } from 'fastify';
import type { AuditStore } from '../../adapters/store/ports.js';
import { ApiError, badRequest, checkRange, parseTimeParam } from '../errors.js';
import { adminErrors, timeParam } from '../schemas/common.js';
import { AuditPageSchema } from '../schemas/operator.js';

const MAX_PAGE = 500;
const DEFAULT_PAGE = 100;

interface AuditQuery {
  action?: string;
  actor?: string;
  target?: string;
  since?: string;
  until?: string;
  limit: number;
  cursor?: string;
}

const text = (description: string) => ({ type: 'string', minLength: 1, maxLength: 200, description });

/** JSON text as stored, back to a value (null stays null). */
function parsed(json: string | null): unknown {
  return json === null ? null : JSON.parse(json);
}

/** The audit trail (admin): newest first, filtered, paged; `alphapulse audit verify` checks its chain. */
export const auditRoutes: FastifyPluginAsync<{ audit: AuditStore | null }> = async (app, { audit }) => {
  app.get<{ Querystring: AuditQuery }>(
    '/audit',
    {
      onRequest: app.requireAdmin,
      schema: {
        tags: ['operators'],
        summary: 'The audit trail, newest first (admin)',
        description:
          'Admin actions, the configuration at each start, symbols added and removed, slice state changes, manual exits and cancels, on-demand runs. Each row carries the SHA-256 of the row before it.',
        security: [{ adminKey: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            action: text(
              'e.g. signal.closed, symbol.added, slice.state_changed, evaluate.run, config.started',
            ),
            actor: text('e.g. key:1a2b3c4d5e6f, system, engine'),
            target: text('e.g. a signal id, a symbol, a slice'),
            since: timeParam('At or after'),
            until: timeParam('Before'),
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE },
            cursor: {
              type: 'string',
              pattern: '^[1-9][0-9]{0,15}$',
              description: 'nextCursor of the previous page',
            },
          },
        },
        response: { 200: AuditPageSchema, ...adminErrors },
      },
    },
    async (request) => {
      if (!audit) throw new ApiError(404, 'this service keeps no audit trail');
      const q = request.query;
      const since = parseTimeParam(q.since, 'querystring/since');
      const until = parseTimeParam(q.until, 'querystring/until');
      checkRange(since, until, ['querystring/since', 'querystring/until']);
      const before = q.cursor === undefined ? undefined : Number(q.cursor);
      if (before !== undefined && !Number.isSafeInteger(before))
        throw badRequest('querystring/cursor is not a cursor');
      const page = await audit.list(
        { action: q.action, actor: q.actor, target: q.target, since, until },
        { limit: q.limit, before },
      );
      return {
        items: page.items.map((r) => ({ ...r, before: parsed(r.before), after: parsed(r.after) })),
        nextCursor: page.next === null ? null : String(page.next),
      };
    },
  );
};
