import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { MemoryCache } from '../adapters/cache/memory-cache.js';
import type { AuditStore, CandleStore, DeliveryStore, SignalStore } from '../adapters/store/ports.js';
import type { Config } from '../config/schema.js';
import type { RuntimeView } from '../runtime/live/runtime-view.js';
import { storedExchange } from '../runtime/live/stored-exchange.js';
import { registerWeb } from '../web/register-web.js';
import { errorBody } from './errors.js';
import { registerAuditHook } from './plugins/audit.js';
import { registerAuth } from './plugins/auth.js';
import { registerCors } from './plugins/cors.js';
import { registerDocs } from './plugins/docs.js';
import { frameworkError, registerErrorHandling } from './plugins/errors.js';
import { registerMetrics } from './plugins/metrics.js';
import { registerRateLimit } from './plugins/rate-limit.js';
import { registerSubscriberAuth } from './plugins/subscriber-auth.js';
import { auditRoutes } from './routes/audit.js';
import { backtestRoutes } from './routes/backtests.js';
import { candleCacheKeyPrefix, candleRoutes } from './routes/candles.js';
import { deliveryAdminRoutes } from './routes/delivery-admin.js';
import { deliverySubscriberRoutes } from './routes/delivery-subscriber.js';
import { evaluateRoutes } from './routes/evaluate.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { PERFORMANCE_CACHE_PREFIX, performanceRoutes } from './routes/performance.js';
import { signalActionRoutes } from './routes/signal-actions.js';
import { signalRoutes } from './routes/signals.js';
import { statusRoutes } from './routes/status.js';
import { symbolRoutes } from './routes/symbols.js';
import { ErrorSchema } from './schemas/common.js';
import { deliverySchemas } from './schemas/delivery.js';
import { performanceSchemas } from './schemas/performance.js';
import { OutcomeSchema, SignalDetailSchema, SignalListItemSchema, SignalSchema } from './schemas/signal.js';
import { SignalPageCache } from './signal-page-cache.js';
import { parseJsonBody } from './strict-body.js';
import { ConnectionBudget } from './ws/connection-budget.js';
import { registerSubscriberSocket, type SubscriberSockets } from './ws/subscriber-sockets.js';
import { DASHBOARD_STATUS_EVERY_MS, registerWebSocket } from './ws.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The response cache of the performance and candle routes; its stats are in /api/v1/status. */
    responseCache: MemoryCache<unknown>;
  }
}

export interface BuildAppOptions {
  /** What the API sees of the running service (LiveRuntime). */
  readonly runtime: RuntimeView;
  readonly signals: SignalStore;
  readonly candles: CandleStore;
  /** The whole application config; the API reads `api`, `exchange`. */
  readonly config: Config;
  /** Fastify logger: false (default), true, or pino options. Ignored when `loggerInstance` is given. */
  readonly logger?: FastifyServerOptions['logger'];
  /**
   * The service's own pino logger. Fastify's per-request lines are off either way: the API logs
   * what an operator acts on, one line each (401/403 refusals, 500s, WebSocket clients dropped
   * as too slow), never a key or an Authorization header.
   */
  readonly loggerInstance?: FastifyBaseLogger;
  /** Folder of the dashboard's static files, served at `/` when given. */
  readonly webRoot?: string;
  /** Delivery to subscribers: admin and subscriber routes, the subscriber WebSocket. Absent: none of them. */
  readonly delivery?: DeliveryApiOptions;
  /** The audit trail: admin requests are recorded in it and GET /api/v1/audit reads it. */
  readonly audit?: AuditStore;
  /** Wall clock of the audit rows (default Date.now). */
  readonly now?: () => number;
  /** Where the rate-limit counters live (Redis, shared by the gateways); default: in memory. */
  readonly rateLimitStore?: FastifyRateLimitStoreCtor;
}

export interface DeliveryApiOptions {
  readonly store: DeliveryStore;
  /** The subscriber WebSocket relay (`/ws/subscriber`); absent: no such route. */
  readonly sockets?: SubscriberSockets;
  /** A subscriber connected to their WebSocket (the relays send what waits for them). */
  readonly onSubscriberConnect?: (subscriberId: number) => void;
  /** Telegram's webhook (telegram.mode webhook): the path it posts to and grammY's handler. */
  readonly telegramWebhook?: {
    readonly path: string;
    readonly handler: (request: unknown, reply: unknown) => unknown;
  };
}

/** Cached answers live this long unless the bus says the data behind them changed first. */
const CACHE_TTL_MS = 30_000;
const CACHE_MAX_ENTRIES = 256;
/** Longest path parameter (a signal id, a channel slug); the routes' schemas say the same. */
export const MAX_PARAM_LENGTH = 200;
/** Largest WebSocket frame accepted from a client (subscribe messages are small). */
const WS_MAX_PAYLOAD = 65_536;

/**
 * The REST API as a Fastify instance, not yet listening: tests call `app.inject`, the service
 * calls `app.listen`. One plugin per concern (errors, CORS, rate limit, auth, metrics, docs),
 * then the routes. `app.close()` ends everything it opened: bus subscriptions, WebSocket
 * connections, the HTTP server. The stores and the runtime belong to the caller.
 */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const api = opts.config.api;
  const hops = api.trustProxy;
  const app: FastifyInstance = Fastify({
    logger: opts.loggerInstance ? undefined : (opts.logger ?? false),
    loggerInstance: opts.loggerInstance,
    logController: new LogController({ disableRequestLogging: true }),
    // a number is a count of proxy hops to believe (Fastify's typings take it only as a function)
    trustProxy: typeof hops === 'number' ? (_address: string, hop: number) => hop < hops : hops,
    // as long as the longest id the routes' schemas take; longer is answered by frameworkErrors
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: (err, _request, reply) => {
      const { statusCode, message } = frameworkError(err);
      // frameworkErrors' reply is typed for any route; this one is plain
      const plain: FastifyReply = reply;
      plain.status(statusCode).send(errorBody(statusCode, message));
    },
    bodyLimit: api.bodyLimitBytes,
    requestTimeout: api.requestTimeoutMs,
    return503OnClosing: true,
    ajv: {
      customOptions: {
        // an unknown parameter is an error, not silently dropped
        removeAdditional: false,
        useDefaults: true,
        coerceTypes: 'array',
        // gives each error its value and schema, so the message can name them
        verbose: true,
      },
    },
  });

  const cache = new MemoryCache<unknown>({ ttlMs: CACHE_TTL_MS, maxEntries: CACHE_MAX_ENTRIES });
  const pages = new SignalPageCache();
  app.decorate('responseCache', cache);
  // `app.wsClients` is decorated by the WebSocket plugin (src/api/ws.ts) from its hub; read lazily
  const wsClients = (): number => (app.hasDecorator('wsClients') ? app.wsClients.count : 0);

  for (const schema of [ErrorSchema, SignalSchema, OutcomeSchema, SignalListItemSchema, SignalDetailSchema])
    app.addSchema(schema);
  for (const schema of performanceSchemas) app.addSchema(schema);

  registerErrorHandling(app, { bodyLimit: api.bodyLimitBytes });
  // Fastify reads text/plain bodies as strings by default; every body here is JSON, so other
  // types get 415 rather than a 400 about a string that was never meant to be the body
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(String(body)));
    } catch (e) {
      done(e instanceof Error ? e : new Error(String(e)), undefined);
    }
  });
  await registerCors(app, { origins: api.corsOrigins });
  await registerRateLimit(app, api.rateLimit, opts.rateLimitStore);
  const connections = new ConnectionBudget(api.websocket);
  registerAuth(app, { adminKeys: api.adminKeys });
  registerAuditHook(app, { audit: opts.audit ?? null, now: opts.now ?? Date.now });
  registerMetrics(app, { runtime: opts.runtime, cache, wsClients });
  await registerDocs(app);

  // cached answers go as soon as the data behind them changes
  const bus = opts.runtime.bus;
  const baseTimeframe = opts.config.engine.baseTimeframe;
  const unsubscribe = [
    bus.on('outcome.closed', () => cache.deleteWhere((k) => k.startsWith(PERFORMANCE_CACHE_PREFIX))),
    // a listing shows signals with their outcomes: any of the three events can change a page
    bus.on('signal.created', () => pages.invalidate()),
    bus.on('signal.updated', () => pages.invalidate()),
    bus.on('outcome.closed', () => pages.invalidate()),
    bus.on('candle.closed', ({ symbol, timeframe }) => {
      // every aggregated candle closes with a base one, so the base candle's event is enough
      if (timeframe !== baseTimeframe) return;
      const prefix = candleCacheKeyPrefix(symbol);
      cache.deleteWhere((k) => k.startsWith(prefix));
    }),
  ];
  app.addHook('onClose', async () => {
    for (const off of unsubscribe) off();
  });

  await app.register(websocket, { options: { maxPayload: WS_MAX_PAYLOAD } });
  await registerWebSocket(app, {
    runtime: opts.runtime,
    statusEveryMs: DASHBOARD_STATUS_EVERY_MS,
    // the status channel carries what GET /api/v1/status gives, so a page need not poll it
    statusExtras: () => ({ cache: cache.stats(), websocket: { clients: wsClients() } }),
    messagesPerSecond: api.websocket.messagesPerSecond,
    messageBurst: api.websocket.messageBurst,
    maxSubscriptions: api.websocket.maxSubscriptions,
    maxBufferedBytes: api.websocket.maxBufferedBytes,
    connections,
  });
  const delivery = opts.delivery;
  if (delivery) {
    for (const schema of deliverySchemas) app.addSchema(schema);
    registerSubscriberAuth(app, delivery.store);
    if (delivery.sockets)
      await registerSubscriberSocket(app, {
        store: delivery.store,
        sockets: delivery.sockets,
        onConnect: delivery.onSubscriberConnect,
        connections,
      });
    const hook = delivery.telegramWebhook;
    if (hook)
      app.post(hook.path, { schema: { hide: true } }, (request, reply) => hook.handler(request, reply));
  }

  const { runtime, signals, candles } = opts;
  await app.register(healthRoutes, { runtime });
  await app.register(metricsRoutes);
  await app.register(
    async (v1) => {
      await v1.register(signalRoutes, {
        signals,
        precision: opts.config.engine.outcomes.precision,
        pages,
      });
      await v1.register(performanceRoutes, {
        signals,
        cache,
        sizing: opts.config.portfolio,
        costs: {
          feePerSide: opts.config.engine.outcomes.feePerSide,
          slippagePerSide: opts.config.engine.outcomes.slippagePerSide,
        },
      });
      await v1.register(backtestRoutes, { signals });
      await v1.register(candleRoutes, {
        candles,
        cache,
        // the running source's own candles first, then the exchange's (the same name when live)
        exchanges: () => [
          storedExchange(runtime.status().source, opts.config.exchange),
          opts.config.exchange,
        ],
      });
      await v1.register(symbolRoutes, { runtime });
      await v1.register(evaluateRoutes, { runtime });
      await v1.register(signalActionRoutes, { runtime, signals });
      await v1.register(auditRoutes, { audit: opts.audit ?? null });
      await v1.register(statusRoutes, { runtime, cache, wsClients });
      if (delivery) {
        const routeOpts = { store: delivery.store, ...opts.config.delivery };
        await v1.register(deliveryAdminRoutes, routeOpts);
        await v1.register(deliverySubscriberRoutes, routeOpts);
      }
    },
    { prefix: '/api/v1' },
  );

  if (opts.webRoot) {
    await registerWeb(app, { webRoot: opts.webRoot });
  }
  return app;
}
