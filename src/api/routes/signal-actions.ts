import type { FastifyPluginAsync, FastifySchemaValidationError } from 'fastify';
import { z } from 'zod';
import type { SignalStore } from '../../adapters/store/ports.js';
import type { RuntimeView } from '../../runtime/live/runtime-view.js';
import { ApiError, notFound } from '../errors.js';
import { plainJson } from '../plain-json.js';
import { adminErrors, relayErrors } from '../schemas/common.js';
import { SignalActionSchema } from '../schemas/operator.js';
import { strictBody } from '../strict-body.js';

const reason = z.string().trim().min(1).max(500).describe('Why, for the signal’s status and the audit trail');
const closeBody = strictBody(z.object({ reason }).strict());
const cancelBody = strictBody(z.object({ reason: reason.optional() }).strict());

const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
};

/** The id in the path (the route's body has its own zod validator, so params are checked here). */
function checkId(data: unknown) {
  const id = (data as { id?: unknown } | null)?.id;
  if (typeof id === 'string' && id.length >= 1 && id.length <= 200) return { value: data };
  const error: FastifySchemaValidationError = {
    keyword: 'maxLength',
    instancePath: '/id',
    schemaPath: '',
    params: {},
    message: 'must be a signal id of 1 to 200 characters',
  };
  return { error: [error] };
}

/**
 * Operators end signals by hand (admin): close an ACTIVE one at the last price (outcome
 * MANUAL_EXIT, after costs) or cancel a PENDING one. Both go through the pipeline's tracker, so
 * the usual events follow (signal.updated, outcome.closed), stored, sent on the WebSocket and
 * counted in the metrics like any outcome. Audited.
 */
export const signalActionRoutes: FastifyPluginAsync<{ runtime: RuntimeView; signals: SignalStore }> = async (
  app,
  { runtime, signals },
) => {
  const actions = [
    { path: 'close', body: closeBody, need: 'ACTIVE', verb: 'closed', other: 'cancel it instead' },
    { path: 'cancel', body: cancelBody, need: 'PENDING', verb: 'cancelled', other: 'close it instead' },
  ] as const;
  for (const a of actions) {
    app.post<{ Params: { id: string }; Body: { reason?: string } }>(
      `/signals/:id/${a.path}`,
      {
        onRequest: app.requireAdmin,
        validatorCompiler: (req) => (req.httpPart === 'body' ? a.body.validatorCompiler(req) : checkId),
        schema: {
          tags: ['operators'],
          summary:
            a.path === 'close'
              ? 'Close an ACTIVE signal at the last price: outcome MANUAL_EXIT (admin)'
              : 'Cancel a PENDING signal: outcome CANCELLED, nothing traded (admin)',
          security: [{ adminKey: [] }],
          params: idParams,
          body: a.body.json,
          response: { 200: SignalActionSchema, ...adminErrors, ...relayErrors },
        },
      },
      async (request) => {
        const { id } = request.params;
        const actor = request.adminActor ?? 'unknown';
        const why = request.body.reason ?? 'cancelled by operator';
        const r =
          a.path === 'close'
            ? await runtime.closeSignal(id, why, actor)
            : await runtime.cancelSignal(id, why, actor);
        if (r.ok) {
          request.audited = true;
          return plainJson({ signal: r.signal, outcome: r.outcome });
        }
        if (r.code === 'wrong_status') {
          throw new ApiError(
            409,
            `signal ${id} is ${r.status}: only a ${a.need} signal can be ${a.verb}; ${a.other}`,
          );
        }
        const stored = await signals.getSignal(id);
        if (!stored) throw notFound(`no signal with id "${id}"`);
        throw new ApiError(
          409,
          `signal ${id} is ${stored.signal.status}${stored.outcome ? ` (${stored.outcome.type})` : ''}: only a ${a.need} signal can be ${a.verb}`,
        );
      },
    );
  }
};
