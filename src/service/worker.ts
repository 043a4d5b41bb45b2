import Fastify, { type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { CommandReceiver } from '../adapters/bus/command-transport.js';
import type { EventPublisher } from '../adapters/bus/event-transport.js';
import { describeInputs } from '../adapters/market/file-inputs.js';
import type { MarketSource } from '../adapters/market/source.js';
import { RedisConnection } from '../adapters/redis/redis-connection.js';
import { openStores } from '../adapters/store/open-stores.js';
import { PostgresShardLeases } from '../adapters/store/postgres-shard-lease.js';
import type { BusEvent } from '../runtime/bus/event-bus.js';
import { redisCheck } from '../runtime/cluster/cluster-state.js';
import { operatorCommandHandler } from '../runtime/cluster/operator-commands.js';
import { commandReceiver, streamPublisher } from '../runtime/cluster/redis-parts.js';
import { type ShardSpec, symbolsOfShard } from '../runtime/cluster/shard.js';
import { SignalCache } from '../runtime/cluster/signal-cache.js';
import { STREAMED_TOPICS } from '../runtime/cluster/streamed-topics.js';
import { resolveConfidenceModels } from '../runtime/confidence-models.js';
import { type AnnouncedEvent, LiveRuntime } from '../runtime/live/live-runtime.js';
import type { Readiness, RuntimeStatus } from '../runtime/live/runtime-view.js';
import { chooseSource, type ServiceOptions } from './service.js';

export interface WorkerOptions extends ServiceOptions {
  readonly shard: ShardSpec;
}

export interface Worker {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly log: Logger;
  close(): Promise<void>;
}

interface RunningShard {
  readonly index: number;
  readonly symbols: readonly string[];
  readonly runtime: LiveRuntime | null;
  readonly source: MarketSource | null;
  readonly off: readonly (() => void)[];
  readonly since: number;
}

interface ShardReport {
  readonly index: number;
  readonly symbols: readonly string[];
  readonly since: number;
  readonly takenOver: boolean;
  readonly status: RuntimeStatus | null;
}

/**
 * `serve --role worker --shard i/n`: the market source, the pipeline and the outcome tracking
 * for the symbols whose hash falls in shard i, and for any other shard whose worker is gone.
 *
 * Each shard is held through a lease (a PostgreSQL advisory lock): the worker takes its own
 * shard as soon as it can, and after `cluster.takeoverGraceMs` tries the others every
 * `cluster.leasePollMs`, so a dead worker's shard is run again within about that. A shard runs
 * in a LiveRuntime of its own (its own pipeline, as in the process that held it before): its
 * start is the crash-only recovery, replaying the shard's stored candles from PostgreSQL, then
 * the source continues after the last stored candle. What each runtime announces (after it is
 * stored) goes to the Redis event stream, where the gateways read it. The operator actions the
 * gateways relay (close, cancel, evaluate) are read from the Redis command list of each shard
 * it runs, once that shard's runtime has started, and run through that runtime, which audits
 * them as in one process. The worker serves only /health, /ready and /api/v1/status.
 */
export async function startWorker(opts: WorkerOptions): Promise<Worker> {
  const { loaded, shard } = opts;
  const { config } = loaded;
  const log = opts.logger ?? pino({ level: config.log.level }, pino.destination({ dest: 1, sync: false }));
  if (config.store.url === undefined) {
    throw new Error(
      '--role worker needs the PostgreSQL store (store.url or DATABASE_URL): the workers and gateways share it, and the shard leases live in it',
    );
  }
  const stores = await openStores(loaded, { log: (msg) => log.warn(msg) });
  const started = Date.now();
  let redis: RedisConnection | null = null;
  let publisher: EventPublisher<BusEvent> | null = null;
  let cache: SignalCache | null = null;
  let commands: CommandReceiver | null = null;
  const leases = new PostgresShardLeases({
    url: config.store.url,
    schema: config.store.schema,
    count: shard.count,
  });
  const running = new Map<number, RunningShard>();
  const takenOver = new Set<number>();
  /** The shards whose runtime has started (recovery done): the ones whose commands are read. */
  const serving = new Set<number>();
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let app: FastifyInstance | null = null;
  try {
    const confidence = await resolveConfidenceModels(config.engine.confidence.model, stores.models);
    if (config.redis.url) {
      redis = new RedisConnection(config.redis.url, {
        name: 'event stream and cache',
        log: (level, msg) => log[level](msg),
      });
      await redis.connect();
      publisher = streamPublisher(redis, config);
      cache = new SignalCache({ redis, config, log: (level, msg) => log[level](msg) });
    } else {
      log.warn(
        'no redis.url (REDIS_URL): signals are stored, but no gateway sees them as they happen; set redis.url for a multi-process deployment',
      );
    }
    const universe = await symbolUniverse(opts);
    log.info(
      `worker of shard ${shard.index}/${shard.count}: ${symbolsOfShard(universe, shard.index, shard.count).join(', ') || 'no symbols'}`,
    );

    const startShard = async (index: number): Promise<void> => {
      const symbols = symbolsOfShard(universe, index, shard.count);
      const off: (() => void)[] = [];
      if (symbols.length === 0) {
        running.set(index, { index, symbols, runtime: null, source: null, off, since: Date.now() });
        serving.add(index);
        return;
      }
      const source = await chooseSource({ ...opts, inputs: await inputsOf(opts.inputs, symbols) }, log);
      const runtime = new LiveRuntime({
        registry: loaded.registry,
        config,
        source,
        candles: stores.candles,
        signals: stores.signals,
        confidence,
        // operators' actions are audited, and applied again by a recovery, as in one process
        audit: stores.audit ?? undefined,
        log: (level, msg) => log[level](`[shard ${index}/${shard.count}] ${msg}`),
        // what the previous owner may have stored and not sent: events of candles that closed
        // within the dedup window are offered again (the keys of those it sent drop them)
        onRecovered: (e) => {
          if (publisher && eventTime(e) >= Date.now() - config.redis.dedupTtlS * 1000) publisher.publish(e);
        },
      });
      const out = publisher;
      if (out) for (const topic of STREAMED_TOPICS) off.push(runtime.bus.on(topic, (e) => out.publish(e)));
      if (cache) off.push(cache.follow(runtime));
      running.set(index, { index, symbols, runtime, source, off, since: Date.now() });
      await runtime.start(symbols);
      if (running.get(index)?.runtime === runtime) serving.add(index);
    };

    const stopShard = async (index: number): Promise<void> => {
      const r = running.get(index);
      if (!r) return;
      running.delete(index);
      serving.delete(index);
      for (const off of r.off) off();
      await r.runtime?.stop().catch(() => {});
    };

    leases.onLost((lost) => {
      log.warn(`shard lease(s) ${lost.join(', ')} lost (the lease connection broke): stopping them`);
      for (const i of lost) void stopShard(i);
    });

    let ticking = false;
    const tick = async (): Promise<void> => {
      if (ticking || closed) return;
      ticking = true;
      try {
        const mayTakeOver = Date.now() - started >= config.cluster.takeoverGraceMs;
        for (let k = 0; k < shard.count; k++) {
          const index = (shard.index + k) % shard.count;
          if (running.has(index) || (index !== shard.index && !mayTakeOver)) continue;
          if (!(await leases.tryAcquire(index))) continue;
          if (closed) return;
          if (index !== shard.index) takenOver.add(index);
          log.info(
            `shard ${index}/${shard.count}: lease taken${index === shard.index ? '' : ' (taking over from a worker that is gone)'}`,
          );
          try {
            await startShard(index);
            log.info(`shard ${index}/${shard.count}: running`);
          } catch (e) {
            log.error(`shard ${index}/${shard.count} failed to start: ${(e as Error).message}`);
            await stopShard(index);
            await leases.release(index);
          }
        }
      } finally {
        ticking = false;
      }
    };

    const report = (): ShardReport[] =>
      [...running.values()]
        .sort((a, b) => a.index - b.index)
        .map((r) => ({
          index: r.index,
          symbols: r.symbols,
          since: r.since,
          takenOver: takenOver.has(r.index),
          status: r.runtime?.status() ?? null,
        }));

    const ready = async (): Promise<Readiness> => {
      let store: { ok: boolean; detail: string };
      try {
        store = { ok: true, detail: await stores.signals.ping() };
      } catch (e) {
        store = { ok: false, detail: `store unreachable: ${(e as Error).message}` };
      }
      const checks: Record<string, { ok: boolean; detail: string }> = {
        store,
        leases: leases.describe(),
        redis: redisCheck(redis?.health() ?? null),
      };
      if (publisher) {
        const h = publisher.health();
        checks.events = { ok: h.ok, detail: `${h.detail}; ${h.events} published, ${h.pending} waiting` };
      }
      for (const r of running.values()) {
        if (!r.runtime) continue;
        const rr = await r.runtime.ready();
        for (const [name, c] of Object.entries(rr.checks)) checks[`shard${r.index}.${name}`] = c;
      }
      const essential = Object.entries(checks).filter(([k]) => k !== 'redis' && k !== 'events');
      return { ok: essential.every(([, c]) => c.ok), checks };
    };

    const built = Fastify({ logger: false });
    app = built;
    built.get('/health', async () => ({ status: 'ok' }));
    built.get('/ready', async (_request, reply) => {
      const r = await ready();
      return reply.status(r.ok ? 200 : 503).send(r);
    });
    built.get('/api/v1/status', async () => ({
      role: 'worker',
      shard: `${shard.index}/${shard.count}`,
      startedAt: started,
      shards: report(),
      redis: redis?.health() ?? null,
      cache: cache?.backend() ?? 'memory',
      events: publisher?.health() ?? null,
      // every shard this worker runs has delivered all its source had (a replay that ended)
      finished:
        running.size > 0 &&
        [...running.values()].every((r) => r.source === null || r.source.state() === 'finished'),
    }));
    const address = await built.listen({
      port: opts.port ?? config.api.port,
      host: opts.host ?? config.api.host,
    });
    const shown = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
    log.info({ url: shown, role: 'worker' }, `AlphaPulse worker ${shard.index}/${shard.count} on ${shown}`);

    await tick();
    timer = setInterval(() => void tick(), config.cluster.leasePollMs);
    if (config.redis.url) {
      const receiver = await commandReceiver(config, shard.count, (level, msg) => log[level](msg));
      commands = receiver;
      await receiver.start(
        () => [...serving],
        operatorCommandHandler((symbol) => {
          for (const r of running.values()) {
            if (r.runtime && serving.has(r.index) && r.symbols.includes(symbol)) return r.runtime;
          }
          return null;
        }),
      );
    }
    return {
      app: built,
      url: address.replace('0.0.0.0', '127.0.0.1'),
      log,
      close: async () => {
        closed = true;
        if (timer) clearInterval(timer);
        await built.close();
        await commands?.close();
        for (const i of [...running.keys()]) await stopShard(i);
        await publisher?.drained();
        await publisher?.close();
        await leases.close();
        await redis?.close();
        await stores.close();
      },
    };
  } catch (e) {
    closed = true;
    if (timer) clearInterval(timer);
    await app?.close().catch(() => {});
    await commands?.close().catch(() => {});
    for (const r of running.values()) await r.runtime?.stop().catch(() => {});
    await leases.close();
    await redis?.close();
    await stores.close().catch(() => {});
    throw e;
  }
}

/** The symbols the deployment follows: a replay's files, else `symbols` from the config. */
async function symbolUniverse(opts: ServiceOptions): Promise<readonly string[]> {
  const kind = opts.source ?? opts.loaded.config.live.source;
  if (kind === 'replay') {
    if (!opts.inputs?.length) throw new Error('--source replay needs at least one --input <file>');
    return [...new Set((await describeInputs(opts.inputs)).map((f) => f.symbol))];
  }
  return opts.loaded.config.symbols;
}

/** The input files of `symbols` (replay), so a shard's source reads only its own. */
async function inputsOf(
  inputs: readonly string[] | undefined,
  symbols: readonly string[],
): Promise<readonly string[] | undefined> {
  if (!inputs?.length) return inputs;
  const wanted = new Set(symbols);
  return (await describeInputs(inputs)).filter((f) => wanted.has(f.symbol)).map((f) => f.path);
}

/** The candle time an event belongs to (ms), for the re-offer window after a takeover. */
function eventTime(e: AnnouncedEvent): number {
  switch (e.type) {
    case 'candle.closed':
      return e.candle.openTime;
    case 'signal.created':
    case 'signal.updated':
    case 'outcome.closed':
      return e.signal.statusAt;
    case 'slice.state_changed':
      return e.change.at;
    case 'model.drift':
      return e.at;
  }
}
