import type { Cache } from '../../adapters/cache/cache.js';
import { InMemoryCache } from '../../adapters/cache/cache.js';
import { RedisCache } from '../../adapters/cache/redis-cache.js';
import type { RedisConnection } from '../../adapters/redis/redis-connection.js';
import type { Config } from '../../config/schema.js';
import type { Timeframe } from '../../core/candles/timeframe.js';
import { snapshotData, type TfSnapshot } from '../../core/features/snapshot.js';
import type { Signal } from '../../core/signals/types.js';
import type { EventBus } from '../bus/event-bus.js';

/** What the cache follows: a runtime's bus, and its multi-timeframe context per symbol. */
export interface CachedRuntime {
  readonly bus: EventBus;
  context(symbol: string): Readonly<Partial<Record<Timeframe, TfSnapshot>>>;
}

/** The latest batch of signals of one timeframe: those its last signal-making candle created. */
export interface SignalBatch {
  readonly timeframe: string;
  /** createdAt of the batch (the candle close that made it). */
  readonly at: number;
  readonly signals: readonly Signal[];
}

export const latestSignalsKey = (timeframe: string): string => `signals:latest:${timeframe}`;
export const contextKey = (symbol: string): string => `context:${symbol}`;

/**
 * Keeps the shared cache up to date from a runtime: the latest signal batch per timeframe
 * (`redis.signalTtlS`, 15 minutes) and the multi-timeframe context per symbol, written when one of
 * its higher timeframes closes (`redis.contextTtlS`). Writes never hold the runtime up.
 */
export class SignalCache {
  readonly cache: Cache;
  private readonly batches = new Map<string, { at: number; signals: Signal[] }>();
  private readonly signalTtlMs: number;
  private readonly contextTtlMs: number;
  private readonly base: Timeframe;

  constructor(opts: {
    readonly redis: RedisConnection | null;
    readonly config: Config;
    readonly log?: (level: 'info' | 'warn', msg: string) => void;
    readonly cache?: Cache;
  }) {
    const { redis, config } = opts;
    this.cache =
      opts.cache ?? (redis ? new RedisCache(redis, `${config.redis.keyPrefix}:cache:`) : new InMemoryCache());
    this.signalTtlMs = config.redis.signalTtlS * 1000;
    this.contextTtlMs = config.redis.contextTtlS * 1000;
    this.base = config.engine.baseTimeframe;
  }

  backend(): 'redis' | 'memory' {
    return this.cache.backend();
  }

  /** Follows `runtime` until the returned function is called. */
  follow(runtime: CachedRuntime): () => void {
    const offs = [
      runtime.bus.on('signal.created', ({ signal }) => {
        const tf = signal.timeframe;
        let batch = this.batches.get(tf);
        if (!batch || batch.at !== signal.createdAt) {
          batch = { at: signal.createdAt, signals: [] };
          this.batches.set(tf, batch);
        }
        batch.signals.push(signal);
        const value: SignalBatch = { timeframe: tf, at: batch.at, signals: batch.signals };
        void this.cache.set(latestSignalsKey(tf), JSON.stringify(value), this.signalTtlMs);
      }),
      runtime.bus.on('candle.closed', ({ symbol, timeframe }) => {
        if (timeframe === this.base) return;
        const timeframes = Object.entries(runtime.context(symbol)).map(([tf, snap]) => [
          tf,
          snapshotData(snap),
        ]);
        const value = { symbol, timeframes: Object.fromEntries(timeframes) };
        void this.cache.set(contextKey(symbol), JSON.stringify(value), this.contextTtlMs);
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  async latestSignals(timeframe: string): Promise<SignalBatch | null> {
    const raw = await this.cache.get(latestSignalsKey(timeframe));
    return raw === null ? null : (JSON.parse(raw) as SignalBatch);
  }

  async context(symbol: string): Promise<unknown> {
    const raw = await this.cache.get(contextKey(symbol));
    return raw === null ? null : JSON.parse(raw);
  }
}
