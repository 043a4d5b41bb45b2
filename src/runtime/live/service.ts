import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { DemoSource } from '../../adapters/market/demo-source.js';
import { describeInputs } from '../../adapters/market/file-inputs.js';
import { ReplaySource } from '../../adapters/market/replay-source.js';
import type { MarketSource } from '../../adapters/market/source.js';
import { openStores } from '../../adapters/store/open-stores.js';
import { buildApp } from '../../api/app.js';
import { SubscriberSockets } from '../../api/ws/subscriber-sockets.js';
import type { LoadedConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { resolveConfidenceModels } from '../confidence-models.js';
import { auditConfigAtStart } from '../config-audit.js';
import { createDeliveryService, type DeliveryService } from '../delivery/delivery-service.js';
import { LiveRuntime } from './live-runtime.js';

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
async function chooseSource(opts: ServiceOptions, log: Logger): Promise<MarketSource> {
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
      speed: typeof opts.speed === 'number' ? opts.speed : 1,
    });
  if (kind === 'demo') return demo();
  // ccxt takes about a second to load: only the live source pays for it
  const { CcxtSource } = await import('../../adapters/market/ccxt-source.js');
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

/**
 * The symbols the service follows: a replay's own; on a live exchange with
 * `live.discoverTopSymbols` > 0, the top N by 24h quote volume, asked once at start; otherwise
 * `config.symbols`. A discovery that fails or finds nothing stops the start with a clear error
 * rather than quietly following a different list.
 */
export async function chooseSymbols(
  source: MarketSource,
  config: Config,
  log: (msg: string) => void = () => {},
): Promise<readonly string[]> {
  if (source instanceof ReplaySource) return source.symbols();
  const n = config.live.discoverTopSymbols;
  if (n === 0) return config.symbols;
  const { CcxtSource } = await import('../../adapters/market/ccxt-source.js');
  if (!(source instanceof CcxtSource)) {
    log(
      `live.discoverTopSymbols needs a live exchange; the ${source.kind} source follows symbols: ${config.symbols.join(', ')}`,
    );
    return config.symbols;
  }
  const quote = config.live.discoverQuote;
  const top = await source.topSymbols(n, quote);
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

/** Starts the whole service: store, market source, runtime (with recovery), HTTP API and WebSocket. */
export async function startService(opts: ServiceOptions): Promise<Service> {
  const { loaded } = opts;
  const { config } = loaded;
  const log =
    opts.logger ??
    pino(
      { level: config.log.level, ...(config.log.pretty ? {} : {}) },
      pino.destination({ dest: 1, sync: false }),
    );
  const stores = await openStores(loaded, { log: (msg) => log.warn(msg) });
  const { candles, signals } = stores;
  const audit = stores.audit ?? undefined;
  let source: MarketSource | null = null;
  let runtime: LiveRuntime | null = null;
  let app: FastifyInstance | null = null;
  let delivery: DeliveryService | null = null;
  try {
    const confidence = await resolveConfidenceModels(config.engine.confidence.model, stores.models);
    log.info(
      `confidence: ${confidence.source}${confidence.fallback ? `, falls back to ${confidence.fallback.version} on drift` : ''}`,
    );
    if (audit) {
      const configHash = await auditConfigAtStart(audit, loaded, Date.now());
      log.info(`configuration ${configHash.slice(0, 12)} recorded in the audit trail`);
    } else log.warn(`no audit trail: the ${stores.driver} store has no audit table yet (SQLite has)`);
    source = await chooseSource(opts, log);
    const symbols = await chooseSymbols(source, config, (msg) => log.info(msg));
    runtime = new LiveRuntime({
      registry: loaded.registry,
      config,
      source,
      candles,
      signals,
      confidence,
      audit,
      log: (level, msg) => log[level](msg),
    });
    const deliveryStore = stores.delivery;
    if (config.delivery.enabled && deliveryStore === null) {
      log.warn(`delivery is off: the ${stores.driver} store has no delivery tables yet (SQLite has)`);
    }
    const sockets = new SubscriberSockets();
    delivery =
      config.delivery.enabled && deliveryStore !== null
        ? createDeliveryService({
            config,
            store: deliveryStore,
            bus: runtime.bus,
            relays: [sockets],
            log: (level, msg) => log[level](msg),
          })
        : null;
    const deliveryApi = delivery &&
      deliveryStore && {
        store: deliveryStore,
        sockets,
        onSubscriberConnect: (id: number) => {
          void deliveryStore.expedite(id, 'websocket', Date.now()).then(() => delivery?.runner.wake());
        },
        telegramWebhook: delivery.telegramWebhook ?? undefined,
      };
    // the HTTP server comes up first, so clients can connect before the first candle flows
    const built = await buildApp({
      runtime,
      signals,
      candles,
      audit,
      config,
      logger: false,
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
    // delivery catches up on what the store holds before new candles come
    await delivery?.start();
    await runtime.start(symbols);
    const rt = runtime;
    const dl = delivery;
    const svc: Service = {
      app: built,
      runtime: rt,
      source,
      url: address.replace('0.0.0.0', '127.0.0.1'),
      log,
      close: async () => {
        await built.close();
        await rt.stop();
        await dl?.stop();
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
    throw e;
  }
}
