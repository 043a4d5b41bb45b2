import type { FastifyPluginAsync } from 'fastify';
import type { SignalCursor, SignalStore } from '../../adapters/store/ports.js';
import { TIMEFRAMES } from '../../core/candles/timeframe.js';
import { PRIORITY_ORDER } from '../../core/ensemble/priority.js';
import {
  type Direction,
  type Priority,
  type SignalStatus,
  STRATEGY_NAMES,
} from '../../core/signals/types.js';
import { badRequest, checkRange, notFound, parseTimeParam } from '../errors.js';
import {
  arrayOf,
  enumOf,
  int,
  num,
  object,
  publicErrors,
  ref,
  str,
  symbolSchema,
  timeParam,
} from '../schemas/common.js';
import {
  DIRECTIONS,
  OUTCOME_TYPES,
  OutcomeEventSchema,
  PRIORITIES,
  SIGNAL_STATUSES,
  SignalPageSchema,
} from '../schemas/signal.js';
import { decodeCursor, encodeCursor } from '../signal-cursor.js';
import { pageKey, type SignalPageCache } from '../signal-page-cache.js';

export const MAX_PAGE = 500;
const JSON_TYPE = 'application/json; charset=utf-8';

interface SignalPageBody {
  readonly items: readonly object[];
  readonly nextCursor: string | null;
}
export const DEFAULT_PAGE = 50;

interface SignalsQuery {
  symbol?: string;
  strategy?: string;
  timeframe?: string;
  status?: SignalStatus;
  direction?: Direction;
  priority?: Priority;
  minConfidence?: number;
  minPriority?: Priority;
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
    priority: enumOf(
      PRIORITIES,
      'Signal priority exactly (HIGH, MEDIUM, LOW or NONE); minPriority for at least',
    ),
    minConfidence: { type: 'number', minimum: 0, maximum: 1, description: 'Confidence at or above this' },
    minPriority: {
      ...enumOf(PRIORITY_ORDER),
      description:
        'Priority at or above this: NONE < LOW < MEDIUM < HIGH (HIGH = confidence >= engine.priority.high AND strong multi-timeframe alignment; docs/DECISIONS.md)',
    },
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

/** The TP/SL precision rule in force, as the hit log reports it (engine.outcomes.precision). */
export interface HitRule {
  readonly toleranceBps: number;
  readonly toleranceTicks: number;
  readonly confirm: 'touch' | 'close' | 'penetration';
  readonly minPenetrationBps: number;
}

const HitLogSchema = object(
  {
    signalId: str,
    status: enumOf(SIGNAL_STATUSES),
    outcome: { anyOf: [enumOf(OUTCOME_TYPES), { type: 'null' }] },
    rule: object(
      {
        toleranceBps: num,
        toleranceTicks: int,
        confirm: enumOf(['touch', 'close', 'penetration']),
        minPenetrationBps: num,
      },
      { description: 'The precision rule of the running engine (engine.outcomes.precision)' },
    ),
    levels: object({ entry: num, stopLoss: num, takeProfits: arrayOf(num) }),
    hits: arrayOf(OutcomeEventSchema, {
      description:
        "The outcome's events in order (fills, targets, stops, exits), each with its precision class; empty while the signal is live",
    }),
  },
  { description: 'What touched the levels of one signal, and how' },
);

export const signalRoutes: FastifyPluginAsync<{
  signals: SignalStore;
  precision?: HitRule;
  /** Serialised listings by query, emptied by the bus (buildApp wires it); absent: none kept. */
  pages?: SignalPageCache;
}> = async (app, { signals, precision, pages }) => {
  const rule: HitRule = precision ?? {
    toleranceBps: 0,
    toleranceTicks: 0,
    confirm: 'touch',
    minPenetrationBps: 0,
  };
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
    async (request, reply) => {
      const q = request.query;
      const read = async (): Promise<SignalPageBody> => {
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
            priority: q.priority,
            minConfidence: q.minConfidence,
            minPriority: q.minPriority,
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
      };
      if (!pages) return read();
      // kept serialised by this route's schema and encoded: sent as they are
      const body = await pages.getOrBuild(pageKey({ ...q }), async () =>
        Buffer.from(String(reply.serialize(await read()))),
      );
      return reply.type(JSON_TYPE).send(body);
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

  app.get<{ Params: { id: string } }>(
    '/signals/:id/hits',
    {
      schema: {
        tags: ['signals'],
        summary:
          'The hit log of one signal: every fill, target, stop and exit with its precision class, and the rule in force',
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: { 200: HitLogSchema, ...publicErrors },
      },
    },
    async (request) => {
      const found = await signals.getSignal(request.params.id);
      if (!found) throw notFound(`no signal with id "${request.params.id}"`);
      const { signal, outcome } = found;
      return {
        signalId: signal.id,
        status: signal.status,
        outcome: outcome?.type ?? null,
        rule,
        levels: { entry: signal.entryPrice, stopLoss: signal.stopLoss, takeProfits: [...signal.takeProfits] },
        hits: outcome?.events ?? [],
      };
    },
  );
};
