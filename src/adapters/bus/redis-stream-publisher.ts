import type { RedisConnection } from '../redis/redis-connection.js';
import type { EventPublisher, TransportedEvents, TransportHealth } from './event-transport.js';

/**
 * Adds an event to the stream unless its key was seen within the dedup window, in one atomic
 * step: SET NX of the dedup key, then XADD. A retry after a lost reply, or a worker that took a
 * shard over and offers the same event again, is dropped by the key, so the stream holds each
 * event once.
 */
const PUBLISH_SCRIPT = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'k', ARGV[3], 'e', ARGV[4])
  return 1
end
return 0`;

export interface RedisStreamPublisherOptions<E> {
  /** The events carried: which go out, and the dedup key of each. */
  readonly events: TransportedEvents<E>;
  /** The stream's key. */
  readonly stream: string;
  /** Prefix of the dedup keys. */
  readonly dedupPrefix: string;
  readonly dedupTtlS: number;
  readonly maxLen: number;
  /** Events sent per round trip. */
  readonly batch?: number;
  /** Wait after a failed round trip while the connection says it is up. */
  readonly retryMs?: number;
}

interface Queued {
  readonly key: string;
  readonly json: string;
}

/** The stream's key for a key prefix; workers and gateways agree on it through the config. */
export function eventStreamKey(prefix: string): string {
  return `${prefix}:events`;
}

/**
 * Publishes a runtime's events to a Redis stream, in order, as JSON. Events wait in memory while
 * Redis is unreachable and go out when it is back; each goes out once (see PUBLISH_SCRIPT).
 */
export class RedisStreamPublisher<E> implements EventPublisher<E> {
  private readonly queue: Queued[] = [];
  private pumping = false;
  private closed = false;
  private published = 0;
  private duplicates = 0;
  private lastError: string | null = null;
  private waiters: (() => void)[] = [];
  private readonly batch: number;
  private readonly retryMs: number;

  constructor(
    private readonly conn: RedisConnection,
    private readonly opts: RedisStreamPublisherOptions<E>,
  ) {
    this.batch = opts.batch ?? 200;
    this.retryMs = opts.retryMs ?? 250;
    conn.onUp(() => this.kick());
  }

  publish(event: E): void {
    if (this.closed || !this.opts.events.crosses(event)) return;
    this.queue.push({ key: this.opts.events.key(event), json: JSON.stringify(event) });
    this.kick();
  }

  health(): TransportHealth {
    const ok = this.conn.up && this.lastError === null;
    return {
      kind: 'redis-stream',
      ok,
      detail: ok
        ? `publishing to ${this.opts.stream}`
        : `Redis unreachable (${this.lastError ?? this.conn.health().lastError ?? this.conn.state()}): ${this.queue.length} events held in memory until it is back`,
      pending: this.queue.length,
      events: this.published,
      duplicates: this.duplicates,
    };
  }

  drained(): Promise<void> {
    if (this.queue.length === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeWaiters();
  }

  private kick(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    void this.pump().finally(() => {
      this.pumping = false;
      if (this.queue.length > 0 && this.conn.up && !this.closed) this.kick();
    });
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      if (!this.conn.up) return; // onUp kicks again
      const items = this.queue.slice(0, this.batch);
      const pipeline = this.conn.client.pipeline();
      for (const q of items) {
        pipeline.eval(
          PUBLISH_SCRIPT,
          2,
          `${this.opts.dedupPrefix}${q.key}`,
          this.opts.stream,
          this.opts.dedupTtlS,
          this.opts.maxLen,
          q.key,
          q.json,
        );
      }
      let done = 0;
      try {
        const results = (await pipeline.exec()) ?? [];
        for (const [err, added] of results) {
          if (err) throw err;
          if (added === 0) this.duplicates++;
          else this.published++;
          done++;
        }
        this.lastError = null;
      } catch (e) {
        this.lastError = (e as Error).message;
      }
      // what went through leaves the queue; the rest is offered again (the dedup keys make that safe)
      this.queue.splice(0, done);
      if (this.queue.length === 0) this.wakeWaiters();
      if (done < items.length) await new Promise((r) => setTimeout(r, this.retryMs));
    }
  }

  private wakeWaiters(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }
}
