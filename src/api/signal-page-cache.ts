import { type CacheStats, MemoryCache } from '../adapters/cache/memory-cache.js';

export interface SignalPageCacheOptions {
  /**
   * Safety net only: the bus empties the cache on every signal and outcome event. An entry also
   * goes after this long, for writes this process's bus never sees (a backfill at start-up,
   * another process on the same PostgreSQL). Default 5 s.
   */
  readonly ttlMs?: number;
  /** Pages kept (a 500-row page is about 480 KB of JSON). Default 32. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/**
 * `GET /api/v1/signals` answers, already serialised and encoded, by query. The newest page is what every
 * dashboard and bot asks for again and again, and it changes only when a signal or an outcome
 * does: reading 50 stored bodies and serialising them costs milliseconds, sending a kept string
 * microseconds. A read that started before an invalidation does not store its (maybe stale)
 * answer: `generation` tells.
 */
export class SignalPageCache {
  private readonly pages: MemoryCache<Buffer>;
  /** Reads under way, by key: concurrent misses of one page share one read (no stampede at expiry). */
  private readonly building = new Map<string, Promise<Buffer>>();
  private gen = 0;

  constructor(opts: SignalPageCacheOptions = {}) {
    this.pages = new MemoryCache<Buffer>({
      ttlMs: opts.ttlMs ?? 5000,
      maxEntries: opts.maxEntries ?? 32,
      now: opts.now,
    });
  }

  /** Changes with every invalidation; take it before reading the store, hand it to `set`. */
  get generation(): number {
    return this.gen;
  }

  get(key: string): Buffer | undefined {
    return this.pages.get(key);
  }

  /** Keeps `body` unless the data changed since `generation` was taken. */
  set(key: string, body: Buffer, generation: number): void {
    if (generation === this.gen) this.pages.set(key, body);
  }

  /**
   * The kept page, or the one `build` makes (kept unless an invalidation came meanwhile). A
   * request arriving while the same page is being built waits for that build.
   */
  async getOrBuild(key: string, build: () => Promise<Buffer>): Promise<Buffer> {
    const kept = this.pages.get(key);
    if (kept !== undefined) return kept;
    const pending = this.building.get(key);
    if (pending) return pending;
    const generation = this.gen;
    const promise = build().finally(() => this.building.delete(key));
    this.building.set(key, promise);
    const body = await promise;
    this.set(key, body, generation);
    return body;
  }

  /** A signal or an outcome changed: every kept page may be stale. */
  invalidate(): void {
    this.gen++;
    this.pages.clear();
    // a build under way read the old data: later requests must not join it
    this.building.clear();
  }

  stats(): CacheStats {
    return this.pages.stats();
  }
}

/** The cache key of a listing: its validated query, keys sorted, so parameter order does not matter. */
export function pageKey(query: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(
    Object.keys(query)
      .sort()
      .map((k) => [k, query[k]]),
  );
}
