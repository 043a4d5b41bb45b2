import pg from 'pg';
import type { ShardLeases } from './lease-port.js';
import { describeUrl } from './open-stores.js';

export interface PostgresShardLeaseOptions {
  readonly url: string;
  /** The store's schema: deployments in different schemas of one server do not share leases. */
  readonly schema?: string;
  /** Shards in all: `--shard 0/2` and `--shard 0/3` are different shards. */
  readonly count: number;
}

/**
 * Shard leases as PostgreSQL session advisory locks, held on one connection of their own. A
 * worker that dies (even by SIGKILL) closes its connection, the server drops its locks at once,
 * and the next `tryAcquire` elsewhere gets them. When that connection breaks while the worker
 * lives, every lease is reported lost (`onLost`) and the next `tryAcquire` connects again.
 */
export class PostgresShardLeases implements ShardLeases {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private readonly holding = new Set<number>();
  private readonly lostListeners: ((indexes: readonly number[]) => void)[] = [];
  private lastError: string | null = null;
  private readonly namespace: string;

  constructor(private readonly opts: PostgresShardLeaseOptions) {
    this.namespace = `alphapulse:shards:${opts.schema ?? 'default'}:${opts.count}`;
  }

  async tryAcquire(index: number): Promise<boolean> {
    if (this.holding.has(index)) return true;
    try {
      const client = await this.connection();
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1), $2) AS ok', [
        this.namespace,
        index,
      ]);
      this.lastError = null;
      if (r.rows[0]?.ok === true) {
        this.holding.add(index);
        return true;
      }
      return false;
    } catch (e) {
      this.lastError = (e as Error).message;
      return false;
    }
  }

  async release(index: number): Promise<void> {
    if (!this.holding.delete(index)) return;
    await this.client
      ?.query('SELECT pg_advisory_unlock(hashtext($1), $2)', [this.namespace, index])
      .catch(() => {});
  }

  held(): readonly number[] {
    return [...this.holding].sort((a, b) => a - b);
  }

  onLost(listener: (indexes: readonly number[]) => void): void {
    this.lostListeners.push(listener);
  }

  describe(): { ok: boolean; detail: string } {
    const where = describeUrl(this.opts.url);
    if (this.lastError !== null)
      return { ok: false, detail: `shard leases at ${where} unavailable: ${this.lastError}` };
    return {
      ok: true,
      detail: `PostgreSQL advisory locks at ${where}; holding shard(s) ${this.held().join(', ') || 'none'} of ${this.opts.count}`,
    };
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    this.holding.clear();
    await c?.end().catch(() => {});
  }

  private connection(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    if (this.connecting) return this.connecting;
    const client = new pg.Client({
      connectionString: this.opts.url,
      connectionTimeoutMillis: 5000,
      application_name: 'alphapulse-lease',
      keepAlive: true,
    });
    const broke = (e?: Error) => {
      if (this.client !== client) return;
      this.client = null;
      this.lastError = e?.message ?? 'lease connection ended';
      const lost = this.held();
      this.holding.clear();
      if (lost.length > 0) for (const l of this.lostListeners) l(lost);
    };
    client.on('error', broke);
    client.on('end', () => broke());
    this.connecting = client.connect().then(
      () => {
        this.connecting = null;
        this.client = client;
        return client;
      },
      (e: unknown) => {
        this.connecting = null;
        throw e;
      },
    );
    return this.connecting;
  }
}
