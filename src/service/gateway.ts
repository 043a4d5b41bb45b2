import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { openStores } from '../adapters/store/open-stores.js';
import { buildApp } from '../api/app.js';
import { SubscriberSockets } from '../api/ws/subscriber-sockets.js';
import type { LoadedConfig } from '../config/load.js';
import { redisCheck, withClusterState } from '../runtime/cluster/cluster-state.js';
import { GatewayView } from '../runtime/cluster/gateway-view.js';
import {
  connectRedis,
  operatorCommands,
  rateLimitStoreOf,
  streamConsumer,
} from '../runtime/cluster/redis-parts.js';
import { createDeliveryService, type DeliveryService } from '../runtime/delivery/delivery-service.js';

export interface GatewayOptions {
  readonly loaded: LoadedConfig;
  /** The gateway's name: its consumer group on the event stream (stable across restarts). */
  readonly name?: string;
  readonly port?: number;
  readonly host?: string;
  readonly webRoot?: string;
  readonly logger?: Logger;
}

export interface Gateway {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly log: Logger;
  close(): Promise<void>;
}

/**
 * `serve --role gateway`: the REST API, the WebSocket, the dashboard and the delivery relays,
 * with no pipeline. It reads the shared store and relays what the workers publish on the Redis
 * event stream. It keeps no state of its own that matters (its live-signal list is rebuilt from
 * the store and the stream), so any number of them can run behind a reverse proxy. Operator
 * closes, cancels and evaluations are relayed through Redis to the worker that runs the
 * symbol, which runs and audits them; adding or removing a symbol answers 409.
 */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const { loaded } = opts;
  const { config } = loaded;
  const log = opts.logger ?? pino({ level: config.log.level }, pino.destination({ dest: 1, sync: false }));
  if (!config.redis.url) {
    throw new Error(
      '--role gateway needs redis.url (REDIS_URL): it relays the events the workers publish there',
    );
  }
  const name = opts.name ?? `${hostname()}-${opts.port ?? config.api.port}`;
  const stores = await openStores(loaded, { log: (msg) => log.warn(msg) });
  const logTo = (level: 'info' | 'warn' | 'error', msg: string) => log[level](msg);
  const redis = await connectRedis(config, 'cache and rate limits', logTo);
  const consumer = await streamConsumer(config, name, logTo);
  let delivery: DeliveryService | null = null;
  let app: FastifyInstance | null = null;
  try {
    const view = new GatewayView({
      consumer,
      signals: stores.signals,
      candles: stores.candles,
      baseTimeframe: config.engine.baseTimeframe,
      commands: redis ? operatorCommands(redis, config) : undefined,
      log: logTo,
    });
    const runtime = withClusterState(
      view,
      () => ({
        role: 'gateway',
        redis: redis?.health() ?? null,
        cache: redis?.up ? 'redis' : 'memory',
        events: consumer.health(),
      }),
      () => ({ checks: { redis: redisCheck(redis?.health() ?? null) }, essential: [] }),
    );
    const sockets = new SubscriberSockets();
    const deliveryStore = stores.delivery;
    delivery =
      config.delivery.enabled && deliveryStore !== null
        ? createDeliveryService({
            config,
            store: deliveryStore,
            bus: view.bus,
            relays: [sockets],
            log: logTo,
          })
        : null;
    const dl = delivery;
    const built = await buildApp({
      runtime,
      signals: stores.signals,
      candles: stores.candles,
      audit: stores.audit ?? undefined,
      config,
      logger: false,
      webRoot: opts.webRoot,
      rateLimitStore: rateLimitStoreOf(redis, config),
      delivery:
        dl && deliveryStore
          ? {
              store: deliveryStore,
              sockets,
              onSubscriberConnect: (id: number) => {
                void deliveryStore.expedite(id, 'websocket', Date.now()).then(() => dl.runner.wake());
              },
              telegramWebhook: dl.telegramWebhook ?? undefined,
            }
          : undefined,
    });
    app = built;
    await dl?.start();
    await view.start();
    const address = await built.listen({
      port: opts.port ?? config.api.port,
      host: opts.host ?? config.api.host,
    });
    const shown = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
    log.info({ url: shown, role: 'gateway', name }, `AlphaPulse gateway ${name} serving on ${shown}`);
    return {
      app: built,
      url: address.replace('0.0.0.0', '127.0.0.1'),
      log,
      close: async () => {
        await built.close();
        await consumer.close();
        await dl?.stop();
        await redis?.close();
        await stores.close();
      },
    };
  } catch (e) {
    await app?.close().catch(() => {});
    await consumer.close().catch(() => {});
    await delivery?.stop().catch(() => {});
    await redis?.close();
    await stores.close().catch(() => {});
    throw e;
  }
}
