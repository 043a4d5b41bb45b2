import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { checkOverrides, plainSubscription } from '../../core/delivery/overrides.js';
import type { OutboxState } from '../../core/delivery/types.js';
import { badRequest, notFound } from '../errors.js';
import { apiKeyHash, newApiKey } from '../plugins/subscriber-auth.js';
import { adminErrors, arrayOf, enumOf, int, object, ref } from '../schemas/common.js';
import { AttemptSchema, NewSubscriberSchema, OutboxCountsSchema, SkipSchema } from '../schemas/delivery.js';
import {
  asApiError,
  channelOr404,
  type DeliveryRouteOptions,
  DestinationsBody,
  destinationsFrom,
  IdParams,
  KIND,
  listQuery,
  OverridesBody,
  SLUG,
  SlugParams,
  STRATEGY,
  SYMBOL,
  subscriptionView,
  TIMEFRAME,
  zodParts,
} from './delivery-common.js';

const ProductParams = z.object({ strategy: STRATEGY }).strict();
const ProductBody = z
  .object({ name: z.string().min(1).max(80), description: z.string().max(2000).default('') })
  .strict();

const channelFields = {
  name: z.string().min(1).max(80),
  strategies: z.array(STRATEGY).min(1).max(20).describe('Strategies the channel carries and requires'),
  symbols: z.array(SYMBOL).max(500).describe('Symbols it carries; empty: all'),
  timeframe: TIMEFRAME.nullable().describe('Signal timeframe it carries; null: all'),
  minConfidence: z.number().min(0).max(1),
  maxDailyEvents: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .describe('Signals per subscriber per UTC day (max_daily_events)'),
  price: z.number().int().min(0).max(1_000_000).describe('Credits per delivered signal'),
  destinations: z
    .array(KIND)
    .max(5)
    .describe('Destinations for subscribers who chose none; empty: all of theirs'),
  active: z.boolean(),
};

const NewChannelBody = z
  .object({
    slug: SLUG,
    ...channelFields,
    symbols: channelFields.symbols.default([]),
    timeframe: channelFields.timeframe.default(null),
    minConfidence: channelFields.minConfidence.default(0),
    maxDailyEvents: channelFields.maxDailyEvents.optional(),
    price: channelFields.price.optional(),
    destinations: channelFields.destinations.default([]),
    active: channelFields.active.default(true),
  })
  .strict();
const ChannelPatchBody = z.object(channelFields).partial().strict();

const NewSubscriberBody = z
  .object({
    name: z.string().min(1).max(80),
    strategies: z.array(STRATEGY).max(20).default([]).describe('Strategy products the subscriber owns'),
    destinations: DestinationsBody.optional(),
  })
  .strict();
const SubscriberPatchBody = z
  .object({
    name: z.string().min(1).max(80).optional(),
    strategies: z.array(STRATEGY).max(20).optional(),
    destinations: DestinationsBody.optional(),
    active: z.boolean().optional(),
  })
  .strict();
const TopUpBody = z
  .object({
    amount: z.number().int().min(1).max(1_000_000_000).describe('Credits to add (a whole number)'),
    note: z.string().max(200).default(''),
  })
  .strict();
const SubscriptionBody = z
  .object({ subscriberId: z.number().int().min(1), channel: SLUG, ...OverridesBody })
  .strict();
const SubscriptionParams = z.object({ id: z.coerce.number().int().min(1), slug: SLUG }).strict();

const OUTBOX_STATES: readonly OutboxState[] = ['pending', 'retrying', 'sending', 'delivered', 'dead'];

const product = zodParts({ params: ProductParams, body: ProductBody });
const newChannel = zodParts({ body: NewChannelBody });
const channelPatch = zodParts({ params: SlugParams, body: ChannelPatchBody });
const newSubscriber = zodParts({ body: NewSubscriberBody });
const subscriberPatch = zodParts({ params: IdParams, body: SubscriberPatchBody });
const topUp = zodParts({ params: IdParams, body: TopUpBody });
const subscription = zodParts({ body: SubscriptionBody });
const byId = zodParts({ params: IdParams });
const unsubscribe = zodParts({ params: SubscriptionParams });

/**
 * Admin routes of delivery (Bearer admin key): strategy products, channels, subscribers (with
 * their API keys and destinations), top-ups, subscriptions, and what the delivery did: the
 * outbox with its attempts, the ledger, the skips.
 */
export const deliveryAdminRoutes: FastifyPluginAsync<DeliveryRouteOptions> = async (app, opts) => {
  const { store } = opts;
  const now = opts.now ?? Date.now;
  const base = { tags: ['delivery admin'], security: [{ adminKey: [] }] };
  const onRequest = app.requireAdmin;

  const checkStrategies = async (strategies: readonly string[] | undefined) => {
    if (!strategies) return;
    const products = new Set((await store.listProducts()).map((p) => p.strategy));
    const unknown = strategies.find((s) => !products.has(s));
    if (unknown !== undefined)
      throw badRequest(
        `body/strategies: "${unknown}" is not a strategy product; products are ${[...products].join(', ') || 'none yet (PUT /api/v1/admin/products/{strategy})'}`,
      );
  };

  app.get(
    '/admin/products',
    {
      onRequest,
      schema: {
        ...base,
        summary: 'Strategy products (admin)',
        response: { 200: arrayOf(ref('StrategyProduct')), ...adminErrors },
      },
    },
    () => store.listProducts(),
  );

  app.put<{ Params: z.infer<typeof ProductParams>; Body: z.infer<typeof ProductBody> }>(
    '/admin/products/:strategy',
    {
      onRequest,
      validatorCompiler: product.validatorCompiler,
      schema: {
        ...base,
        summary: 'Create or rename a strategy product (admin)',
        params: product.json('params'),
        body: product.json('body'),
        response: { 200: ref('StrategyProduct'), ...adminErrors },
      },
    },
    (request) => store.upsertProduct({ strategy: request.params.strategy, ...request.body }, now()),
  );

  app.get(
    '/admin/channels',
    {
      onRequest,
      schema: {
        ...base,
        summary: 'Channels (admin)',
        response: { 200: arrayOf(ref('Channel')), ...adminErrors },
      },
    },
    () => store.listChannels(),
  );

  app.post<{ Body: z.infer<typeof NewChannelBody> }>(
    '/admin/channels',
    {
      onRequest,
      validatorCompiler: newChannel.validatorCompiler,
      schema: {
        ...base,
        summary: 'Create a channel (admin)',
        body: newChannel.json('body'),
        response: { 201: ref('Channel'), ...adminErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      await checkStrategies(b.strategies);
      const c = await store
        .createChannel(
          {
            ...b,
            maxDailyEvents: b.maxDailyEvents ?? opts.defaultMaxDailyEvents,
            price: b.price ?? opts.defaultPrice,
          },
          now(),
        )
        .catch(asApiError);
      return reply.status(201).send(c);
    },
  );

  app.patch<{ Params: z.infer<typeof SlugParams>; Body: z.infer<typeof ChannelPatchBody> }>(
    '/admin/channels/:slug',
    {
      onRequest,
      validatorCompiler: channelPatch.validatorCompiler,
      schema: {
        ...base,
        summary: 'Change a channel (admin)',
        params: channelPatch.json('params'),
        body: channelPatch.json('body'),
        response: { 200: ref('Channel'), ...adminErrors },
      },
    },
    async (request) => {
      await checkStrategies(request.body.strategies);
      const c = await store.updateChannel(request.params.slug, request.body);
      if (!c) throw notFound(`no channel ${request.params.slug}`);
      return c;
    },
  );

  app.get(
    '/admin/subscribers',
    {
      onRequest,
      schema: {
        ...base,
        summary: 'Subscribers (admin)',
        response: { 200: arrayOf(ref('Subscriber')), ...adminErrors },
      },
    },
    () => store.listSubscribers(),
  );

  app.post<{ Body: z.infer<typeof NewSubscriberBody> }>(
    '/admin/subscribers',
    {
      onRequest,
      validatorCompiler: newSubscriber.validatorCompiler,
      schema: {
        ...base,
        summary: 'Create a subscriber; answers its API key once (admin)',
        body: newSubscriber.json('body'),
        response: { 201: NewSubscriberSchema, ...adminErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      await checkStrategies(b.strategies);
      const destinations = await destinationsFrom(b.destinations, [], opts.allowPrivateWebhookTargets);
      const apiKey = newApiKey();
      const linkCode = randomBytes(6).toString('hex');
      const subscriber = await store.createSubscriber(
        { name: b.name, strategies: b.strategies, destinations, apiKeyHash: apiKeyHash(apiKey), linkCode },
        now(),
      );
      return reply.status(201).send({ subscriber, apiKey, linkCode });
    },
  );

  app.get<{ Params: z.infer<typeof IdParams> }>(
    '/admin/subscribers/:id',
    {
      onRequest,
      validatorCompiler: byId.validatorCompiler,
      schema: {
        ...base,
        summary: 'One subscriber (admin)',
        params: byId.json('params'),
        response: { 200: ref('Subscriber'), ...adminErrors },
      },
    },
    async (request) => {
      const s = await store.getSubscriber(request.params.id);
      if (!s) throw notFound(`no subscriber ${request.params.id}`);
      return s;
    },
  );

  app.patch<{ Params: z.infer<typeof IdParams>; Body: z.infer<typeof SubscriberPatchBody> }>(
    '/admin/subscribers/:id',
    {
      onRequest,
      validatorCompiler: subscriberPatch.validatorCompiler,
      schema: {
        ...base,
        summary: 'Change a subscriber: strategies owned, destinations, active (admin)',
        params: subscriberPatch.json('params'),
        body: subscriberPatch.json('body'),
        response: { 200: ref('Subscriber'), ...adminErrors },
      },
    },
    async (request) => {
      const current = await store.getSubscriber(request.params.id);
      if (!current) throw notFound(`no subscriber ${request.params.id}`);
      const b = request.body;
      await checkStrategies(b.strategies);
      const destinations =
        b.destinations === undefined
          ? undefined
          : await destinationsFrom(b.destinations, current.destinations, opts.allowPrivateWebhookTargets);
      return store.updateSubscriber(current.id, {
        name: b.name,
        strategies: b.strategies,
        active: b.active,
        destinations,
      });
    },
  );

  app.post<{ Params: z.infer<typeof IdParams> }>(
    '/admin/subscribers/:id/key',
    {
      onRequest,
      validatorCompiler: byId.validatorCompiler,
      schema: {
        ...base,
        summary: 'Issue a new API key; the old one stops working (admin)',
        params: byId.json('params'),
        response: { 200: object({ apiKey: { type: 'string' } }), ...adminErrors },
      },
    },
    async (request) => {
      const apiKey = newApiKey();
      if (!(await store.setApiKeyHash(request.params.id, apiKeyHash(apiKey))))
        throw notFound(`no subscriber ${request.params.id}`);
      return { apiKey };
    },
  );

  app.post<{ Params: z.infer<typeof IdParams>; Body: z.infer<typeof TopUpBody> }>(
    '/admin/subscribers/:id/topups',
    {
      onRequest,
      validatorCompiler: topUp.validatorCompiler,
      schema: {
        ...base,
        summary: 'Add credits: one top-up row in the ledger (admin)',
        params: topUp.json('params'),
        body: topUp.json('body'),
        response: { 201: ref('LedgerRow'), ...adminErrors },
      },
    },
    async (request, reply) => {
      const row = await store
        .topUp(request.params.id, request.body.amount, request.body.note, now())
        .catch(asApiError);
      return reply.status(201).send(row);
    },
  );

  app.get<{ Querystring: { subscriber?: number; channel?: string } }>(
    '/admin/subscriptions',
    {
      onRequest,
      schema: {
        ...base,
        summary: 'Subscriptions with their overrides and entitlement (admin)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { subscriber: int, channel: { type: 'string' } },
        },
        response: { 200: arrayOf(ref('Subscription')), ...adminErrors },
      },
    },
    async (request) => {
      const channels = await store.listChannels();
      const channel =
        request.query.channel === undefined ? undefined : await channelOr404(store, request.query.channel);
      const subs = new Map((await store.listSubscribers()).map((s) => [s.id, s]));
      const rows = await store.listSubscriptions({
        subscriberId: request.query.subscriber,
        channelId: channel?.id,
      });
      return rows.flatMap((r) => {
        const c = channels.find((x) => x.id === r.channelId);
        return c ? [subscriptionView(r, c, subs.get(r.subscriberId)?.strategies ?? [])] : [];
      });
    },
  );

  app.put<{ Body: z.infer<typeof SubscriptionBody> }>(
    '/admin/subscriptions',
    {
      onRequest,
      validatorCompiler: subscription.validatorCompiler,
      schema: {
        ...base,
        summary:
          'Subscribe a subscriber to a channel, with overrides (admin; entitlement is checked at each delivery)',
        body: subscription.json('body'),
        response: { 200: ref('Subscription'), ...adminErrors },
      },
    },
    async (request) => {
      const b = request.body;
      const sub = await store.getSubscriber(b.subscriberId);
      if (!sub) throw notFound(`no subscriber ${b.subscriberId}`);
      const c = await channelOr404(store, b.channel);
      const problem = checkOverrides(c, b);
      if (problem) throw badRequest(`body/${problem}`);
      const s = await store.subscribe(
        {
          ...plainSubscription(sub.id, c.id),
          symbols: b.symbols ?? null,
          timeframe: b.timeframe ?? null,
          minConfidence: b.minConfidence ?? null,
          maxDailyEvents: b.maxDailyEvents ?? null,
          destinations: b.destinations ?? null,
        },
        now(),
      );
      return subscriptionView(s, c, sub.strategies);
    },
  );

  app.delete<{ Params: z.infer<typeof SubscriptionParams> }>(
    '/admin/subscriptions/:id/:slug',
    {
      onRequest,
      validatorCompiler: unsubscribe.validatorCompiler,
      schema: {
        ...base,
        summary: 'Unsubscribe (admin)',
        params: unsubscribe.json('params'),
        response: { 200: object({ removed: { type: 'boolean' } }), ...adminErrors },
      },
    },
    async (request) => {
      const c = await channelOr404(store, request.params.slug);
      return { removed: await store.unsubscribe(request.params.id, c.id) };
    },
  );

  app.get<{
    Querystring: {
      state?: OutboxState;
      subscriber?: number;
      signal?: string;
      limit: number;
      before?: number;
    };
  }>(
    '/admin/outbox',
    {
      onRequest,
      schema: {
        ...base,
        summary: 'The outbox, newest first: pending, retrying, sending, delivered, dead (admin)',
        querystring: listQuery({
          state: enumOf(OUTBOX_STATES),
          subscriber: int,
          signal: { type: 'string', maxLength: 200 },
        }),
        response: { 200: arrayOf(ref('OutboxRow')), ...adminErrors },
      },
    },
    (request) => {
      const q = request.query;
      return store.outbox({
        state: q.state,
        subscriberId: q.subscriber,
        signalId: q.signal,
        limit: q.limit,
        beforeId: q.before,
      });
    },
  );

  app.get(
    '/admin/outbox/counts',
    {
      onRequest,
      schema: {
        ...base,
        summary: 'Outbox rows by state (admin)',
        response: { 200: OutboxCountsSchema, ...adminErrors },
      },
    },
    () => store.outboxCounts(),
  );

  app.get<{ Params: z.infer<typeof IdParams> }>(
    '/admin/outbox/:id/attempts',
    {
      onRequest,
      validatorCompiler: byId.validatorCompiler,
      schema: {
        ...base,
        summary: 'Every attempt of one outbox row (admin)',
        params: byId.json('params'),
        response: { 200: arrayOf(AttemptSchema), ...adminErrors },
      },
    },
    (request) => store.attempts(request.params.id),
  );

  app.get<{ Querystring: { subscriber?: number; limit: number; before?: number } }>(
    '/admin/ledger',
    {
      onRequest,
      schema: {
        ...base,
        summary: 'The credit ledger, newest first (admin)',
        querystring: listQuery({ subscriber: int }),
        response: { 200: arrayOf(ref('LedgerRow')), ...adminErrors },
      },
    },
    (request) =>
      store.ledger({
        subscriberId: request.query.subscriber,
        limit: request.query.limit,
        beforeId: request.query.before,
      }),
  );

  app.get<{ Querystring: { subscriber?: number; signal?: string; limit: number } }>(
    '/admin/skips',
    {
      onRequest,
      schema: {
        ...base,
        summary:
          'Deliveries not made and why: missing strategy, no credits, daily cap, no destination (admin)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            subscriber: int,
            signal: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
        response: { 200: arrayOf(SkipSchema), ...adminErrors },
      },
    },
    (request) =>
      store.skips({
        subscriberId: request.query.subscriber,
        signalId: request.query.signal,
        limit: request.query.limit,
      }),
  );
};
