import type { RedisConnection } from '../redis/redis-connection.js';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** A fixed window per key: INCR, and the window's expiry set by the first request in it. */
const INCR_SCRIPT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {current, ttl}`;

const READ_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if not current then return {0, 0} end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = 0 end
return {tonumber(current), ttl}`;

interface Window {
  current: number;
  endsAt: number;
}

/** The counters while Redis is away, in this process (as @fastify/rate-limit's own local store). */
class LocalWindows {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly maxKeys = 10_000) {}

  incr(key: string, timeWindow: number, now: number): { current: number; ttl: number } {
    let w = this.windows.get(key);
    if (!w || w.endsAt <= now) {
      this.windows.delete(key);
      if (this.windows.size >= this.maxKeys) {
        const oldest = this.windows.keys().next();
        if (!oldest.done) this.windows.delete(oldest.value);
      }
      w = { current: 0, endsAt: now + timeWindow };
      this.windows.set(key, w);
    }
    w.current++;
    return { current: w.current, ttl: w.endsAt - now };
  }

  read(key: string, now: number): { current: number; ttl: number } {
    const w = this.windows.get(key);
    return !w || w.endsAt <= now ? { current: 0, ttl: 0 } : { current: w.current, ttl: w.endsAt - now };
  }
}

function pair(reply: unknown): { current: number; ttl: number } {
  if (Array.isArray(reply)) return { current: Number(reply[0]), ttl: Number(reply[1]) };
  throw new Error(`unexpected rate-limit reply ${JSON.stringify(reply)}`);
}

/**
 * @fastify/rate-limit's store, shared by every gateway through Redis, that keeps counting in
 * memory while Redis is unreachable (a budget per process then, instead of no limit or every
 * request refused) and goes back to Redis when it answers. Each route gets its own key prefix
 * (`child`), as the plugin's own stores do.
 */
export function redisRateLimitStore(conn: RedisConnection, prefix: string) {
  const local = new LocalWindows();
  class RateLimitStore {
    readonly keyPrefix: string;

    /** The plugin constructs it with its global options (not needed here); `child` with a prefix. */
    constructor(_options?: unknown, keyPrefix: string = prefix) {
      this.keyPrefix = keyPrefix;
    }

    incr(key: string, cb: Callback, timeWindow: number): void {
      const k = this.keyPrefix + key;
      if (!conn.up) {
        cb(null, local.incr(k, timeWindow, Date.now()));
        return;
      }
      conn.client.eval(INCR_SCRIPT, 1, k, timeWindow).then(
        (r) => cb(null, pair(r)),
        () => cb(null, local.incr(k, timeWindow, Date.now())),
      );
    }

    read(key: string, cb: Callback): void {
      const k = this.keyPrefix + key;
      if (!conn.up) {
        cb(null, local.read(k, Date.now()));
        return;
      }
      conn.client.eval(READ_SCRIPT, 1, k).then(
        (r) => cb(null, pair(r)),
        () => cb(null, local.read(k, Date.now())),
      );
    }

    /** The plugin passes its merged route settings, the route under `routeInfo` (its typings say the route itself). */
    child(params: object): RateLimitStore {
      const route =
        'routeInfo' in params && typeof params.routeInfo === 'object' && params.routeInfo
          ? params.routeInfo
          : params;
      const method = 'method' in route ? String(route.method) : '';
      const url = 'url' in route ? String(route.url) : '';
      return new RateLimitStore(undefined, `${this.keyPrefix}${method}${url}-`);
    }
  }
  return RateLimitStore;
}
