import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { channelRecord } from '../../adapters/delivery/channel-record.js';
import { checkOverrides, plainSubscription } from '../../core/delivery/overrides.js';
import { effectiveRules, missingStrategies } from '../../core/delivery/plan.js';
import type { Subscriber } from '../../core/delivery/types.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { adminErrors, arrayOf, int, object, publicErrors, ref } from '../schemas/common.js';
import { ChannelRecordSchema, HistoryItemSchema } from '../schemas/delivery.js';
import {
  channelOr404,
  type DeliveryRouteOptions,
  historyView,
  IdParams,
  listQuery,
  OverridesBody,
  SlugParams,
  subscriptionView,
  zodParts,
} from './delivery-common.js';

const ConfigureBody = z.object(OverridesBody).strict();
const configure = zodParts({ params: SlugParams, body: ConfigureBody });
const bySlug = zodParts({ params: SlugParams });
const byId = zodParts({ params: IdParams });

const subscriberErrors = {
  ...publicErrors,
  401: ref('Error'),
  403: ref('Error'),
  413: ref('Error'),
  415: ref('Error'),
};

function me(request: FastifyRequest): Subscriber {
  // set by requireSubscriber, which runs before every route below that calls this
  if (!request.subscriber) throw new ApiError(401, 'subscriber route: no subscriber key');
  return request.subscriber;
}

/**
 * Routes of a subscriber, with their own API key (`Authorization: Bearer aps_...`): their
 * profile, feed, deliveries, subscriptions and channel settings, balance and ledger. The channel
 * list and each channel's track record are public.
 */
export const deliverySubscriberRoutes: FastifyPluginAsync<DeliveryRouteOptions> = async (app, opts) => {
  const { store } = opts;
  const now = opts.now ?? Date.now;
  const onRequest = app.requireSubscriber;
  const base = { tags: ['subscriber'], security: [{ subscriberKey: [] }] };

  app.get(
    '/channels',
    {
      schema: {
        tags: ['subscriber'],
        summary: 'Channels: what each carries, requires and costs',
        response: { 200: arrayOf(ref('Channel')), ...publicErrors },
      },
    },
    async () => (await store.listChannels()).filter((c) => c.active),
  );

  app.get<{ Params: z.infer<typeof SlugParams> }>(
    '/channels/:slug/performance',
    {
      validatorCompiler: bySlug.validatorCompiler,
      schema: {
        tags: ['subscriber'],
        summary: "A channel's track record: the outcomes of the signals it delivered, after costs",
        params: bySlug.json('params'),
        response: { 200: ChannelRecordSchema, ...publicErrors },
      },
    },
    async (request) => channelRecord(store, await channelOr404(store, request.params.slug)),
  );

  app.post<{ Params: z.infer<typeof SlugParams>; Body: z.infer<typeof ConfigureBody> }>(
    '/channels/:slug/configure',
    {
      onRequest,
      validatorCompiler: configure.validatorCompiler,
      schema: {
        ...base,
        summary:
          'Subscribe to a channel, or change what you take of it: symbols, timeframe, max_daily_events, destinations',
        params: configure.json('params'),
        body: configure.json('body'),
        response: {
          200: object({
            subscription: ref('Subscription'),
            effective: object({
              symbols: { type: ['array', 'null'], items: { type: 'string' } },
              timeframe: { type: ['string', 'null'] },
              minConfidence: { type: 'number' },
              maxDailyEvents: int,
              destinations: arrayOf({ type: 'string' }),
            }),
          }),
          ...subscriberErrors,
        },
      },
    },
    async (request) => {
      const sub = me(request);
      const c = await channelOr404(store, request.params.slug);
      if (!c.active) throw notFound(`channel ${c.slug} is closed`);
      const missing = missingStrategies(c, sub);
      if (missing.length > 0)
        throw new ApiError(
          403,
          `${c.slug} requires the strategy ${missing.join(', ')}, which you do not own`,
        );
      const b = request.body;
      const problem = checkOverrides(c, b);
      if (problem) throw badRequest(`body/${problem}`);
      const current =
        (await store.listSubscriptions({ subscriberId: sub.id, channelId: c.id }))[0] ??
        plainSubscription(sub.id, c.id);
      const s = await store.subscribe(
        {
          ...current,
          ...(b.symbols !== undefined ? { symbols: b.symbols } : {}),
          ...(b.timeframe !== undefined ? { timeframe: b.timeframe } : {}),
          ...(b.minConfidence !== undefined ? { minConfidence: b.minConfidence } : {}),
          ...(b.maxDailyEvents !== undefined ? { maxDailyEvents: b.maxDailyEvents } : {}),
          ...(b.destinations !== undefined ? { destinations: b.destinations } : {}),
        },
        now(),
      );
      const r = effectiveRules(c, s);
      return {
        subscription: subscriptionView(s, c, sub.strategies),
        effective: {
          symbols: r.symbols ? [...r.symbols] : null,
          timeframe: r.timeframe,
          minConfidence: r.minConfidence,
          maxDailyEvents: r.maxDailyEvents,
          destinations: r.destinations,
        },
      };
    },
  );

  app.get(
    '/me',
    {
      onRequest,
      schema: {
        ...base,
        summary: 'Your profile: strategies owned, balance, destinations',
        response: { 200: ref('Subscriber'), ...subscriberErrors },
      },
    },
    (request) => me(request),
  );

  app.get(
    '/me/balance',
    {
      onRequest,
      schema: {
        ...base,
        summary:
          'Your credits: the balance (the sum of your ledger) and what is held for deliveries in flight',
        response: { 200: object({ balance: int, reserved: int }), ...subscriberErrors },
      },
    },
    async (request) => {
      const sub = me(request);
      const rows = await store.ledger({ subscriberId: sub.id, limit: 10_000 });
      const settled = new Set(rows.filter((r) => r.reservationId !== null).map((r) => r.reservationId));
      const reserved = rows
        .filter((r) => r.kind === 'reserve' && !settled.has(r.id))
        .reduce((a, r) => a - r.amount, 0);
      return { balance: sub.balance, reserved };
    },
  );

  app.get<{ Querystring: { limit: number; before?: number } }>(
    '/me/ledger',
    {
      onRequest,
      schema: {
        ...base,
        summary: 'Your ledger, newest first',
        querystring: listQuery(),
        response: { 200: arrayOf(ref('LedgerRow')), ...subscriberErrors },
      },
    },
    (request) =>
      store.ledger({
        subscriberId: me(request).id,
        limit: request.query.limit,
        beforeId: request.query.before,
      }),
  );

  app.get(
    '/me/subscriptions',
    {
      onRequest,
      schema: {
        ...base,
        summary: 'Your subscriptions',
        response: { 200: arrayOf(ref('Subscription')), ...subscriberErrors },
      },
    },
    async (request) => {
      const sub = me(request);
      const channels = await store.listChannels();
      return (await store.listSubscriptions({ subscriberId: sub.id })).flatMap((s) => {
        const c = channels.find((x) => x.id === s.channelId);
        return c ? [subscriptionView(s, c, sub.strategies)] : [];
      });
    },
  );

  app.delete<{ Params: z.infer<typeof SlugParams> }>(
    '/me/subscriptions/:slug',
    {
      onRequest,
      validatorCompiler: bySlug.validatorCompiler,
      schema: {
        ...base,
        summary: 'Unsubscribe',
        params: bySlug.json('params'),
        response: { 200: object({ removed: { type: 'boolean' } }), ...subscriberErrors },
      },
    },
    async (request) => {
      const c = await channelOr404(store, request.params.slug);
      return { removed: await store.unsubscribe(me(request).id, c.id) };
    },
  );

  app.get<{ Querystring: { limit: number; before?: number } }>(
    '/me/feed',
    {
      onRequest,
      schema: {
        ...base,
        summary: 'The signals sent to you, newest first, with where they went and what became of them',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            before: {
              type: 'integer',
              description: 'Signals sent before this time (ms): the previous page’s last',
            },
          },
        },
        response: { 200: arrayOf(HistoryItemSchema), ...subscriberErrors },
      },
    },
    async (request) =>
      (await store.history(me(request).id, request.query.limit, request.query.before)).map(historyView),
  );

  app.get<{ Querystring: { limit: number; before?: number } }>(
    '/me/deliveries',
    {
      onRequest,
      schema: {
        ...base,
        summary: 'Your delivery history: every outbox row (signals and updates) with its state and attempts',
        querystring: listQuery(),
        response: { 200: arrayOf(ref('OutboxRow')), ...subscriberErrors },
      },
    },
    (request) =>
      store.outbox({
        subscriberId: me(request).id,
        limit: request.query.limit,
        beforeId: request.query.before,
      }),
  );

  app.post<{ Params: z.infer<typeof IdParams> }>(
    '/me/deliveries/:id/ack',
    {
      onRequest,
      validatorCompiler: byId.validatorCompiler,
      schema: {
        ...base,
        summary: 'Acknowledge a delivery',
        params: byId.json('params'),
        response: { 200: object({ acked: { type: 'boolean' } }), ...adminErrors },
      },
    },
    async (request) => {
      const ok = await store.ack(request.params.id, me(request).id, 'api', now());
      if (!ok) throw notFound(`no delivery ${request.params.id} of yours`);
      return { acked: true };
    },
  );
};
