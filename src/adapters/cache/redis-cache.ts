import type { RedisConnection } from '../redis/redis-connection.js';
import { type Cache, InMemoryCache } from './cache.js';

/**
 * The cache in Redis, shared by every process, with the in-memory cache behind it: each write
 * goes to both, so while Redis is unreachable reads and dedup keys carry on from memory (the
 * connection says so once, in the log and in /ready), and Redis is used again as soon as it
 * answers. A dedup key taken in memory during an outage is not known to the other processes;
 * the event stream's own dedup (in Redis, atomically with the XADD) is what guarantees each
 * event goes out once.
 */
export class RedisCache implements Cache {
  constructor(
    private readonly conn: RedisConnection,
    private readonly prefix: string,
    private readonly memory: InMemoryCache = new InMemoryCache(),
  ) {}

  async get(key: string): Promise<string | null> {
    if (this.conn.up) {
      try {
        return await this.conn.client.get(this.prefix + key);
      } catch {
        // fall through to memory
      }
    }
    return this.memory.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.memory.set(key, value, ttlMs);
    if (!this.conn.up) return;
    try {
      await this.conn.client.set(this.prefix + key, value, 'PX', ttlMs);
    } catch {
      // memory has it; Redis gets the next one
    }
  }

  async setIfAbsent(key: string, ttlMs: number): Promise<boolean> {
    if (this.conn.up) {
      try {
        const r = await this.conn.client.set(this.prefix + key, '1', 'PX', ttlMs, 'NX');
        await this.memory.set(key, '1', ttlMs);
        return r === 'OK';
      } catch {
        // fall through to memory
      }
    }
    return this.memory.setIfAbsent(key, ttlMs);
  }

  backend(): 'redis' | 'memory' {
    return this.conn.up ? 'redis' : 'memory';
  }
}
