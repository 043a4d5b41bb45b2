import { MemoryCache } from './memory-cache.js';

/**
 * The shared cache the runtime writes to (latest signals, multi-timeframe context) and takes
 * dedup keys from. Values are strings (JSON); every entry has a time to live.
 */
export interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** SET NX with an expiry: true when the key was absent and is now taken, false when it was there. */
  setIfAbsent(key: string, ttlMs: number): Promise<boolean>;
  /** Where entries go now: `memory`, or `redis` (memory again while Redis is unreachable). */
  backend(): 'redis' | 'memory';
}

/** The in-process cache: the default, and the fallback while Redis is unreachable. */
export class InMemoryCache implements Cache {
  private readonly entries: MemoryCache<string>;

  constructor(opts: { readonly maxEntries?: number; readonly now?: () => number } = {}) {
    this.entries = new MemoryCache<string>({
      ttlMs: 60_000,
      maxEntries: opts.maxEntries ?? 10_000,
      now: opts.now,
    });
  }

  async get(key: string): Promise<string | null> {
    return this.entries.get(key) ?? null;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, value, ttlMs);
  }

  async setIfAbsent(key: string, ttlMs: number): Promise<boolean> {
    if (this.entries.get(key) !== undefined) return false;
    this.entries.set(key, '1', ttlMs);
    return true;
  }

  backend(): 'memory' {
    return 'memory';
  }
}
