import type { FastifyPluginAsync } from 'fastify';
import type { SignalCursor, SignalStore } from '../../adapters/store/ports.js';
import { TIMEFRAMES } from '../../core/candles/timeframe.js';
import { type Direction, type SignalStatus, STRATEGY_NAMES } from '../../core/signals/types.js';
import { badRequest, checkRange, notFound, parseTimeParam } from '../errors.js';
import { enumOf, publicErrors, ref, symbolSchema, timeParam } from '../schemas/common.js';
import { DIRECTIONS, SIGNAL_STATUSES, SignalPageSchema } from '../schemas/signal.js';
import { decodeCursor, encodeCursor } from '../signal-cursor.js';

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 50;

interface SignalsQuery {
  symbol?: string;
  strategy?: string;
  timeframe?: string;
  status?: SignalStatus;
  direction?: Direction;
  minConfidence?: number;
  published?: boolean;
  since?: string;
  until?: string;
  limit: number;
  cursor?: string;
}

const signalsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    symbol: symbolSchema,
    strategy: enumOf(STRATEGY_NAMES),
    timeframe: enumOf(TIMEFRAMES, 'Signal timeframe'),
    status: enumOf(SIGNAL_STATUSES),
    direction: enumOf(DIRECTIONS),
    minConfidence: { type: 'number', minimum: 0, maximum: 1, description: 'Confidence at or above this' },
    published: {
      type: 'boolean',
      description:
        'true: only published signals (of validated strategy slices); false: only the unpublished ones (computed, stored and tracked, not delivered)',
    },
    since: timeParam('Created at or after'),
    until: timeParam('Created before'),
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE },
    cursor: {
      type: 'string',
      minLength: 1,
      maxLength: 400,
      description: 'nextCursor of the previous page (opaque)',
    },
  },
};

export const signalRoutes: FastifyPluginAsync<{ signals: SignalStore }> = async (app, { signals }) => {
  app.get<{ Querystring: SignalsQuery }>(
    '/signals',
    {
      schema: {
        tags: ['signals'],
        summary: 'Stored signals, newest first, filtered, with cursor pagination',
        querystring: signalsQuery,
        response: { 200: SignalPageSchema, ...publicErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const since = parseTimeParam(q.since, 'querystring/since');
      const until = parseTimeParam(q.until, 'querystring/until');
      checkRange(since, until, ['querystring/since', 'querystring/until']);
      let after: SignalCursor | null | undefined;
      if (q.cursor !== undefined) {
        after = decodeCursor(q.cursor);
        if (!after)
          throw badRequest(
            'querystring/cursor is not a cursor this API gave out; pass nextCursor as it came',
          );
      }
      const page = await signals.listSignals(
        {
          symbol: q.symbol,
          strategy: q.strategy,
          timeframe: q.timeframe,
          status: q.status,
          direction: q.direction,
          minConfidence: q.minConfidence,
          published: q.published,
          since,
          until,
        },
        { limit: q.limit, after: after ?? undefined },
      );
      return {
        items: page.items.map((i) => ({ ...i.signal, outcome: i.outcome })),
        nextCursor: page.next ? encodeCursor(page.next) : null,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/signals/:id',
    {
      schema: {
        tags: ['signals'],
        summary: 'One signal in full: votes, confidence breakdown, entry analysis and its outcome',
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: { 200: ref('SignalDetail'), ...publicErrors },
      },
    },
    async (request) => {
      const found = await signals.getSignal(request.params.id);
      if (!found) throw notFound(`no signal with id "${request.params.id}"`);
      return found;
    },
  );
};
