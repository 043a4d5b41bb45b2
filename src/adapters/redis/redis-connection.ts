import { Redis } from 'ioredis';

export type RedisState = 'connecting' | 'up' | 'down' | 'closed';

/** What /ready and /api/v1/status show of one Redis connection. */
export interface RedisHealth {
  /** The URL without its password. */
  readonly url: string;
  readonly state: RedisState;
  /** Wall time of the last change of state. */
  readonly since: number;
  /** Why it went down the last time, or null. */
  readonly lastError: string | null;
  /** Times it went from up to down since start. */
  readonly outages: number;
}

export interface RedisConnectionOptions {
  /** For logs: what this connection is for ("cache", "event stream"). */
  readonly name: string;
  /** Told once when the connection goes down and once when it is back (never per retry). */
  readonly log?: (level: 'info' | 'warn', msg: string) => void;
  readonly now?: () => number;
  /** Longest wait between two reconnection attempts. */
  readonly maxRetryMs?: number;
}

/** The URL without its password, for messages. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'redis://(unparsable url)';
  }
}

/**
 * One ioredis client with a state people can read. Commands fail at once while the server is
 * unreachable (no offline queue: the callers have their own fallback or retry), the client
 * reconnects in the background for ever, and the outage is logged once, not per attempt.
 */
export class RedisConnection {
  readonly client: Redis;
  private current: RedisState = 'connecting';
  private changedAt: number;
  private lastError: string | null = null;
  private outages = 0;
  private readonly upListeners = new Set<() => void>();
  private readonly downListeners = new Set<() => void>();
  private readonly now: () => number;
  private readonly log: (level: 'info' | 'warn', msg: string) => void;
  private readonly url: string;

  constructor(
    url: string,
    private readonly opts: RedisConnectionOptions,
  ) {
    this.url = describeRedisUrl(url);
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
    this.changedAt = this.now();
    const maxRetry = opts.maxRetryMs ?? 2000;
    this.client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), maxRetry),
    });
    this.client.on('ready', () => this.setState('up'));
    this.client.on('error', (e: Error) => {
      this.lastError = e.message;
    });
    this.client.on('close', () => {
      if (this.current !== 'closed') this.setState('down');
    });
  }

  /** Connects; resolves either way (down: the client keeps trying in the background). */
  async connect(): Promise<boolean> {
    try {
      await this.client.connect();
      return true;
    } catch (e) {
      this.lastError = this.lastError ?? (e as Error).message;
      this.setState('down');
      return false;
    }
  }

  get up(): boolean {
    return this.current === 'up';
  }

  state(): RedisState {
    return this.current;
  }

  health(): RedisHealth {
    return {
      url: this.url,
      state: this.current,
      since: this.changedAt,
      lastError: this.lastError,
      outages: this.outages,
    };
  }

  /** Called each time the connection is (back) up; returns how to stop listening. */
  onUp(listener: () => void): () => void {
    this.upListeners.add(listener);
    return () => this.upListeners.delete(listener);
  }

  /** Resolves once the connection is up (at once when it is), or when it is closed. */
  whenUp(): Promise<void> {
    if (this.current === 'up' || this.current === 'closed') return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.onUp(() => {
        off();
        resolve();
      });
    });
  }

  /** Resolves once the connection is down (at once when it is not up). */
  whenDown(): Promise<void> {
    if (this.current !== 'up') return Promise.resolve();
    return new Promise((resolve) => this.downListeners.add(resolve));
  }

  async close(): Promise<void> {
    this.setState('closed');
    for (const l of [...this.upListeners]) l();
    this.client.disconnect();
  }

  private setState(next: RedisState): void {
    if (next === this.current) return;
    const before = this.current;
    this.current = next;
    this.changedAt = this.now();
    const what = `Redis (${this.opts.name}) at ${this.url}`;
    if (next === 'down') {
      if (before === 'up') this.outages++;
      for (const l of [...this.downListeners]) l();
      this.downListeners.clear();
      this.log(
        'warn',
        `${what} is unreachable (${this.lastError ?? 'connection closed'}): working on in-memory state until it is back`,
      );
    } else if (next === 'up') {
      if (before === 'down') this.log('info', `${what} is reachable again`);
      for (const l of [...this.upListeners]) l();
    }
  }
}
