export interface MemoryCacheOptions {
  /** How long an entry is served after it was set. */
  readonly ttlMs: number;
  /** Entries kept at most; the least recently used one goes first. */
  readonly maxEntries: number;
  /** Wall clock; injectable so expiry is testable without waiting. */
  readonly now?: () => number;
}

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  /** hits / (hits + misses); null before the first lookup. */
  readonly hitRate: number | null;
  readonly entries: number;
  readonly maxEntries: number;
  /** Entries dropped to stay within maxEntries (expired ones are not counted). */
  readonly evictions: number;
}

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

/**
 * A bounded in-process cache with a time to live, for answers that are costly to compute and
 * fine to serve a few seconds stale (performance over stored outcomes, candle windows with
 * indicators). Least recently used entries are evicted first: a Map keeps insertion order, and
 * a hit re-inserts its key at the end.
 */
export class MemoryCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(opts: MemoryCacheOptions) {
    if (!(opts.ttlMs > 0)) throw new RangeError(`cache ttlMs must be > 0, got ${opts.ttlMs}`);
    if (!Number.isSafeInteger(opts.maxEntries) || opts.maxEntries < 1) {
      throw new RangeError(`cache maxEntries must be an integer >= 1, got ${opts.maxEntries}`);
    }
    this.ttlMs = opts.ttlMs;
    this.maxEntries = opts.maxEntries;
    this.now = opts.now ?? Date.now;
  }

  /** The live value under `key`, counting a hit or a miss. */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) {
      this.misses++;
      return undefined;
    }
    this.entries.delete(key);
    if (e.expiresAt <= this.now()) {
      this.misses++;
      return undefined;
    }
    this.entries.set(key, e);
    this.hits++;
    return e.value;
  }

  set(key: string, value: V, ttlMs: number = this.ttlMs): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.makeRoom();
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  /**
   * The cached value, or what `compute()` resolves to, stored and returned. The value is stored
   * once it is known (not the promise), so a computation that fails is not cached.
   */
  async getOrSet(key: string, compute: () => V | Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = await compute();
    this.set(key, value);
    return value;
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  /** Drops every entry whose key matches, e.g. all candle windows of one symbol after a new candle. */
  deleteWhere(match: (key: string) => boolean): number {
    let n = 0;
    // deleting the entry just visited is safe while iterating a Map
    for (const key of this.entries.keys()) {
      if (match(key)) {
        this.entries.delete(key);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.entries.clear();
  }

  stats(): CacheStats {
    const lookups = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hitRate: lookups === 0 ? null : this.hits / lookups,
      entries: this.entries.size,
      maxEntries: this.maxEntries,
      evictions: this.evictions,
    };
  }

  /** Expired entries go first; only when none has expired is the least recently used evicted. */
  private makeRoom(): void {
    const now = this.now();
    for (const [key, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) return;
      this.entries.delete(oldest.value);
      this.evictions++;
    }
  }
}
