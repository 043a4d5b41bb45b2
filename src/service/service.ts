import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { DemoSource } from '../adapters/market/demo-source.js';
import { describeInputs } from '../adapters/market/file-inputs.js';
import { ReplaySource } from '../adapters/market/replay-source.js';
import type { MarketSource } from '../adapters/market/source.js';
import type { RedisConnection } from '../adapters/redis/redis-connection.js';
import { openStores } from '../adapters/store/open-stores.js';
import { buildApp } from '../api/app.js';
import { SubscriberSockets } from '../api/ws/subscriber-sockets.js';
import type { LoadedConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { redisCheck, withClusterState } from '../runtime/cluster/cluster-state.js';
import { connectRedis, rateLimitStoreOf, streamPublisher } from '../runtime/cluster/redis-parts.js';
import { SignalCache } from '../runtime/cluster/signal-cache.js';
import { STREAMED_TOPICS } from '../runtime/cluster/streamed-topics.js';
import { resolveConfidenceModels } from '../runtime/confidence-models.js';
import { auditConfigAtStart } from '../runtime/config-audit.js';
import { createDeliveryService, type DeliveryService } from '../runtime/delivery/delivery-service.js';
import { LiveRuntime } from '../runtime/live/live-runtime.js';
import { createLogger } from '../runtime/live/logger.js';
import type { RuntimeView } from '../runtime/live/runtime-view.js';
import { SymbolDiscovery } from '../runtime/live/symbol-discovery.js';

export interface ServiceOptions {
  readonly loaded: LoadedConfig;
  readonly source?: 'binance' | 'replay' | 'demo';
  readonly inputs?: readonly string[];
  readonly speed?: number | 'max';
  readonly port?: number;
  readonly host?: string;
  readonly fallback?: boolean;
  readonly webRoot?: string;
  readonly logger?: Logger;
  /** Wait this long after the server is up before the feed starts (lets clients connect first). */
  readonly startDelayMs?: number;
}

export interface Service {
  readonly app: FastifyInstance;
  readonly runtime: LiveRuntime;
  readonly source: MarketSource;
  readonly url: string;
  readonly log: Logger;
  close(): Promise<void>;
}

/** Picks the market source; a live exchange that cannot be reached falls back to the demo. */
export async function chooseSource(opts: ServiceOptions, log: Logger): Promise<MarketSource> {
  const { config } = opts.loaded;
  const kind = opts.source ?? config.live.source;
  const base = config.engine.baseTimeframe;
  if (kind === 'replay') {
    if (!opts.inputs?.length) throw new Error('--source replay needs at least one --input <file>');
    return new ReplaySource({
      inputs: await describeInputs(opts.inputs),
      timeframe: base,
      speed: opts.speed ?? config.live.replaySpeed,
    });
  }
  const demo = () =>
    new DemoSource({
      timeframe: base,
      seed: config.live.demoSeed,
      historyDays: config.live.warmupDays + 1,
      speed: typeof opts.speed === 'number' ? opts.speed : config.live.demoSpeed,
      fastForwardMaxMs: config.live.demoFastForwardHours * 3_600_000,
      note: config.live.demoShowcase
        ? `showcase filters (minRewardRisk ${DEMO_SHOWCASE_THRESHOLDS.minRewardRisk}, minStopCostMultiple ${DEMO_SHOWCASE_THRESHOLDS.minStopCostMultiple})`
        : undefined,
      onFastForwardEnd: (reason, coveredMs) =>
        log.info(
          `DEMO: fast-forward over (${reason}) after ${Math.round(coveredMs / 60_000)} simulated minutes; the simulated market now runs at ${typeof opts.speed === 'number' ? opts.speed : config.live.demoSpeed}x`,
        ),
    });
  if (kind === 'demo') return demo();
  // ccxt takes about a second to load: only the live source pays for it
  const { CcxtSource } = await import('../adapters/market/ccxt-source.js');
  const live = new CcxtSource({
    exchange: config.exchange,
    timeframe: base,
    connectTimeoutMs: config.live.connectTimeoutMs,
    ...(config.live.exchangeUrls ? { urls: config.live.exchangeUrls } : {}),
  });
  const probe = await live.probe(config.live.connectTimeoutMs);
  if (probe.ok) return live;
  await live.stop();
  if (opts.fallback === false || !config.live.fallbackToDemo) {
    throw new Error(
      `cannot reach ${config.exchange} within ${config.live.connectTimeoutMs} ms: ${probe.reason}`,
    );
  }
  log.warn(
    `cannot reach ${config.exchange} within ${config.live.connectTimeoutMs} ms (${probe.reason}); running the DEMO market simulator instead (--no-fallback to refuse)`,
  );
  return demo();
}

/** The engine the demo runs: the configured one, with the showcase filters when `live.demoShowcase`. */
export function demoEngineConfig(config: Config): Config {
  if (!config.live.demoShowcase) return config;
  const thresholds = { ...config.engine.thresholds, ...DEMO_SHOWCASE_THRESHOLDS };
  return { ...config, engine: { ...config.engine, thresholds } };
}

/** The two filters under which the simulator's calm market makes no signal at the research defaults. */
export const DEMO_SHOWCASE_THRESHOLDS = { minRewardRisk: 0.8, minStopCostMultiple: 0 } as const;

export type SymbolLog = (msg: string, level?: 'info' | 'warn') => void;

/**
 * The symbols the service follows: a replay's own; on a live exchange with
 * `live.discoverTopSymbols` > 0, the top N by 24h quote volume (kept up to date by
 * `SymbolDiscovery`); otherwise `config.symbols`. When the ranking fails at start (the exchange
 * answers the probe but not the ticker list) the service follows `live.fallbackSymbols`, the
 * major pairs, and says so once. A quote currency with no market at all is a configuration
 * error and stops the start.
 */
export async function chooseSymbols(
  source: MarketSource,
  config: Config,
  log: SymbolLog = () => {},
): Promise<readonly string[]> {
  if (source instanceof ReplaySource) return source.symbols();
  const n = config.live.discoverTopSymbols;
  if (n === 0) return config.symbols;
  const { CcxtSource } = await import('../adapters/market/ccxt-source.js');
  if (!(source instanceof CcxtSource)) {
    log(
      `the ${source.label} source follows symbols: ${config.symbols.join(', ')} (live.discoverTopSymbols ranks the markets of a live exchange)`,
    );
    return config.symbols;
  }
  const quote = config.live.discoverQuote;
  let top: string[];
  try {
    top = await source.topSymbols(n, quote);
  } catch (e) {
    const fallback = config.live.fallbackSymbols;
    log(
      `${(e as Error).message}; following the major pairs of live.fallbackSymbols instead: ${fallback.join(', ')}${config.live.discoverRefreshHours > 0 ? ` (ranked again every ${config.live.discoverRefreshHours} h)` : ''}`,
      'warn',
    );
    return fallback;
  }
  if (top.length === 0) {
    throw new Error(
      `${source.kind} has no active ${quote} spot market with a 24h volume to follow (live.discoverQuote = ${quote}); set live.discoverTopSymbols to 0 to follow symbols instead`,
    );
  }
  log(
    `following the top ${top.length}${top.length < n ? ` (of ${n} asked)` : ''} ${quote} spot markets on ${source.kind} by 24h quote volume: ${top.join(', ')}`,
  );
  return top;
}

/** The refresh of the top N on a live exchange, or null when the service follows a fixed list. */
async function symbolDiscovery(
  source: MarketSource,
  config: Config,
  runtime: LiveRuntime,
  log: Logger,
): Promise<SymbolDiscovery | null> {
  const n = config.live.discoverTopSymbols;
  if (n === 0 || config.live.discoverRefreshHours === 0) return null;
  const { CcxtSource } = await import('../adapters/market/ccxt-source.js');
  if (!(source instanceof CcxtSource)) return null;
  const quote = config.live.discoverQuote;
  return new SymbolDiscovery({
    runtime,
    discover: () => source.topSymbols(n, quote),
    describe: `top ${n} ${quote} spot markets on ${source.kind}`,
    refreshMs: config.live.discoverRefreshHours * 3_600_000,
    log: (level, msg) => log[level](msg),
  });
}

/** Starts the whole service: store, market source, runtime (with recovery), HTTP API and WebSocket. */
export async function startService(opts: ServiceOptions): Promise<Service> {
  const { loaded } = opts;
  const { config } = loaded;
  const log = opts.logger ?? createLogger(config.log);
  const stores = await openStores(loaded, { log: (msg) => log.warn(msg) });
  const { candles, signals } = stores;
  const audit = stores.audit;
  let source: MarketSource | null = null;
  let runtime: LiveRuntime | null = null;
  let app: FastifyInstance | null = null;
  let delivery: DeliveryService | null = null;
  let redis: RedisConnection | null = null;
  try {
    const confidence = await resolveConfidenceModels(config.engine.confidence.model, stores.models);
    log.info(
      `confidence: ${confidence.source}${confidence.fallback ? `, falls back to ${confidence.fallback.version} on drift` : ''}`,
    );
    const configHash = await auditConfigAtStart(audit, loaded, Date.now());
    log.info(`configuration ${configHash.slice(0, 12)} recorded in the audit trail`);
    source = await chooseSource(opts, log);
    const symbols = await chooseSymbols(source, config, (msg, level) => log[level ?? 'info'](msg));
    const demo = source instanceof DemoSource ? source : null;
    if (demo && config.live.demoShowcase) {
      log.info(
        `DEMO: showcase filters (minRewardRisk ${DEMO_SHOWCASE_THRESHOLDS.minRewardRisk}, minStopCostMultiple ${DEMO_SHOWCASE_THRESHOLDS.minStopCostMultiple}) so the simulated market makes signals; publication unchanged (live.demoShowcase: false runs the engine as configured)`,
      );
    }
    runtime = new LiveRuntime({
      registry: loaded.registry,
      config: demo ? demoEngineConfig(config) : config,
      source,
      candles,
      signals,
      confidence,
      audit,
      log: (level, msg) => log[level](msg),
    });
    const deliveryStore = stores.delivery;
    // Redis (optional): the shared cache, the rate-limit counters, and the event stream, so
    // gateways (serve --role gateway) can relay this process's events too
    const redisLog = (level: 'info' | 'warn', msg: string) => log[level](msg);
    redis = await connectRedis(config, 'cache, rate limits and events', redisLog);
    const conn = redis;
    const publisher = conn ? streamPublisher(conn, config) : null;
    const signalCache = conn ? new SignalCache({ redis: conn, config }) : null;
    if (publisher) for (const topic of STREAMED_TOPICS) runtime.bus.on(topic, (e) => publisher.publish(e));
    signalCache?.follow(runtime);
    const view: RuntimeView = conn
      ? withClusterState(
          runtime,
          () => ({
            role: 'all',
            redis: conn.health(),
            cache: signalCache?.backend() ?? 'memory',
            events: publisher?.health() ?? null,
          }),
          () => ({ checks: { redis: redisCheck(conn.health()) }, essential: [] }),
        )
      : runtime;
    const sockets = new SubscriberSockets();
    delivery = config.delivery.enabled
      ? createDeliveryService({
          config,
          store: deliveryStore,
          bus: runtime.bus,
          relays: [sockets],
          log: (level, msg) => log[level](msg),
        })
      : null;
    const deliveryApi = delivery && {
      store: deliveryStore,
      sockets,
      onSubscriberConnect: (id: number) => {
        void deliveryStore.expedite(id, 'websocket', Date.now()).then(() => delivery?.runner.wake());
      },
      telegramWebhook: delivery.telegramWebhook ?? undefined,
    };
    // the HTTP server comes up first, so clients can connect before the first candle flows
    const built = await buildApp({
      runtime: view,
      rateLimitStore: rateLimitStoreOf(conn, config),
      signals,
      candles,
      audit,
      config,
      // refusals, 500s and dropped WebSocket clients, one line each (never a key)
      loggerInstance: log.child({ component: 'api' }),
      webRoot: opts.webRoot,
      delivery: deliveryApi ?? undefined,
    });
    app = built;
    const port = opts.port ?? config.api.port;
    const host = opts.host ?? config.api.host;
    const address = await built.listen({ port, host });
    const shown = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
    log.info(
      { url: shown, source: source.label },
      `AlphaPulse ${source.label === 'LIVE' ? '' : `(${source.label} data) `}serving on ${shown} — open it in a browser`,
    );
    if (opts.startDelayMs) await new Promise((r) => setTimeout(r, opts.startDelayMs));
    const rt = runtime;
    const dl = delivery;
    if (demo?.fastForwarding()) {
      log.info(
        `DEMO: after the warm-up the simulated market runs at full speed until the first signal (at most ${config.live.demoFastForwardHours} simulated hours), then at ${typeof opts.speed === 'number' ? opts.speed : config.live.demoSpeed}x`,
      );
      const off = rt.bus.on('signal.created', () => {
        off();
        demo.endFastForward('first signal');
      });
    }
    // delivery catches up on what the store holds before new candles come
    await dl?.start();
    await rt.start(symbols);
    const replay = source instanceof ReplaySource ? source : null;
    if (replay) {
      replay.finished().then(() => {
        if (replay.state() !== 'finished') return;
        log.info(`REPLAY finished: ${replay.describe()}; the service keeps serving what it stored`);
        rt.bus.publish({ type: 'status', reason: 'replay finished' });
      });
    }
    const discovery = await symbolDiscovery(source, config, rt, log);
    discovery?.start();
    const svc: Service = {
      app: built,
      runtime: rt,
      source,
      url: address.replace('0.0.0.0', '127.0.0.1'),
      log,
      close: async () => {
        discovery?.stop();
        await built.close();
        await rt.stop();
        await dl?.stop();
        await publisher?.drained();
        await publisher?.close();
        await conn?.close();
        await stores.close();
      },
    };
    return svc;
  } catch (e) {
    await app?.close().catch(() => {});
    await runtime?.stop().catch(() => {});
    await delivery?.stop().catch(() => {});
    await source?.stop().catch(() => {});
    await stores.close().catch(() => {});
    await redis?.close();
    throw e;
  }
}
