import pg from 'pg';
import { POSTGRES_MIGRATIONS, type PostgresMigration } from './postgres-migrations.js';
import { MonthlyPartitions, type PendingPartitions } from './postgres-partitions.js';
import { StoreError, StoreUnavailableError } from './store-errors.js';
import { describeUrl } from './store-url.js';

export interface PostgresOptions {
  /** postgres://user:password@host:port/database */
  readonly url: string;
  /** Schema the tables live in (created when missing); default: the server's search_path. */
  readonly schema?: string;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /** Give up connecting after this long (default 5000 ms): an unreachable server fails fast. */
  readonly connectTimeoutMs?: number;
  /** Told about a pooled connection that broke while idle (it is dropped and replaced). */
  readonly onIdleError?: (e: Error) => void;
  /** How the connections name themselves to the server (pg_stat_activity); default alphapulse. */
  readonly applicationName?: string;
  /** The migrations to apply (default: `POSTGRES_MIGRATIONS`). */
  readonly migrations?: readonly PostgresMigration[];
}

/** Keys of our advisory locks: (this, hash of the schema) — one lock per schema. */
const MIGRATION_LOCK = 0x41504d47; // 'APMG'

const INT8 = 20;
/**
 * bigint columns hold millisecond times and counts, all below 2^53: read them as numbers
 * (pg's default is a string). Set per pool, not on pg's global parser table.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: (id: number, format?: string) =>
    id === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(id, format as 'text'),
} as pg.CustomTypesConfig;

/** Pooled clients that have our 'error' listener (added once per connection). */
const listened = new WeakSet<pg.PoolClient>();

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Connection errors and server states after which the same statement may succeed later. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01', // admin_shutdown (also pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);
const TRANSIENT_MESSAGE =
  /connection terminated|connection error|timeout exceeded when trying to connect|not queryable|terminating connection|server closed the connection/i;

export function isTransient(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || TRANSIENT_CODES.has(code))) return true;
  return TRANSIENT_MESSAGE.test(e.message);
}

/**
 * A PostgreSQL connection pool with the store's schema brought up to date: migrations applied
 * at open under an advisory lock (two processes starting at once apply each migration once),
 * monthly partitions created on demand, and errors sorted into final ones and
 * `StoreUnavailableError` (worth retrying). Both stores of a database share one.
 */
export class PostgresDatabase {
  readonly where: string;
  readonly partitions: MonthlyPartitions;
  private closed = false;

  private constructor(
    readonly pool: pg.Pool,
    readonly schema: string | null,
    where: string,
  ) {
    this.where = where;
    this.partitions = new MonthlyPartitions();
  }

  static async open(opts: PostgresOptions): Promise<PostgresDatabase> {
    const schema = opts.schema ?? null;
    if (schema !== null && !SCHEMA_NAME.test(schema)) {
      throw new StoreError(
        `store.schema "${schema}" is not a plain schema name (lower-case letters, digits, _; at most 63)`,
      );
    }
    const where = `${describeUrl(opts.url)}${schema ? ` (schema ${schema})` : ''}`;
    const config: pg.PoolConfig = {
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
      keepAlive: true,
      application_name: opts.applicationName ?? 'alphapulse',
      types,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    };
    const pool = new pg.Pool(config);
    // an idle connection the server dropped must not crash the process: the pool replaces it
    pool.on('error', (e) => opts.onIdleError?.(e));
    const db = new PostgresDatabase(pool, schema, where);
    try {
      await db.migrate(config, opts.migrations ?? POSTGRES_MIGRATIONS);
      await db.run((c) => db.partitions.load(c));
    } catch (e) {
      await pool.end().catch(() => {});
      throw db.failure(e, 'cannot open');
    }
    return db;
  }

  /** Applies the pending migrations on a connection of its own, holding the schema's advisory lock. */
  private async migrate(config: pg.PoolConfig, migrations: readonly PostgresMigration[]): Promise<void> {
    const client = new pg.Client(config);
    client.on('error', () => {}); // reported by the query that fails
    await client.connect();
    try {
      const lockSchema =
        this.schema ?? ((await client.query('SELECT current_schema() AS s')).rows[0]?.s as string);
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [MIGRATION_LOCK, lockSchema]);
      if (this.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)',
      );
      const row = (await client.query('SELECT MAX(version) AS v FROM schema_migrations')).rows[0] as {
        v: number | null;
      };
      const current = row.v ?? 0;
      const latest = migrations[migrations.length - 1]?.version ?? 0;
      if (current > latest) {
        throw new StoreError(
          `schema version ${current} is newer than this AlphaPulse knows (${latest}); upgrade AlphaPulse`,
        );
      }
      const timescale =
        (await client.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")).rowCount === 1;
      for (const m of migrations) {
        if (m.version <= current) continue;
        await client.query('BEGIN');
        try {
          await client.query(timescale && m.timescaleSql ? m.timescaleSql : m.sql);
          // the store records wall time of a migration; this is the adapter layer, not the core
          await client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [m.version, m.name, Date.now()],
          );
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {});
          throw new StoreError(`migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, {
            cause: e,
          });
        }
      }
    } finally {
      // ending the session releases the advisory lock too
      await client.end().catch(() => {});
    }
  }

  /** A final error as it is; one worth retrying as `StoreUnavailableError`, naming the server. */
  failure(e: unknown, doing: string): Error {
    if (e instanceof StoreUnavailableError) return e;
    if (this.closed) return new StoreError(`the PostgreSQL store at ${this.where} is closed`, { cause: e });
    if (isTransient(e)) {
      return new StoreUnavailableError(
        `${doing}: PostgreSQL at ${this.where} is unavailable: ${(e as Error).message}`,
        { cause: e },
      );
    }
    return e instanceof Error ? e : new StoreError(String(e));
  }

  private async connect(): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw this.failure(e, 'connect');
    }
    // a connection cut while checked out (between two statements of a transaction) emits
    // 'error'; unheard, that would end the process. The statement that follows fails with it.
    if (!listened.has(client)) {
      listened.add(client);
      client.on('error', () => {});
    }
    return client;
  }

  /** Runs `work` on a pooled connection outside a transaction. */
  async run<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (e) {
      if (isTransient(e)) broken = e as Error;
      throw this.failure(e, 'query');
    } finally {
      // a connection that failed is dropped, not handed to the next caller
      client.release(broken);
    }
  }

  async query<R>(sql: string, params: readonly unknown[] = [], name?: string): Promise<R[]> {
    return this.run(async (c) => (await c.query({ text: sql, values: [...params], name })).rows as R[]);
  }

  /**
   * Runs `work` in one transaction on one connection: all of it or none. Partitions created
   * inside it are remembered only once it commits.
   */
  async transaction<T>(work: (c: pg.PoolClient, pending: PendingPartitions) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken: Error | undefined;
    const pending = this.partitions.begin();
    try {
      await client.query('BEGIN');
      const result = await work(client, pending);
      await client.query('COMMIT');
      this.partitions.commit(pending);
      return result;
    } catch (e) {
      this.partitions.rollback(pending);
      if (isTransient(e)) broken = e as Error;
      else await client.query('ROLLBACK').catch((r: Error) => (broken = r));
      throw this.failure(e, 'transaction');
    } finally {
      client.release(broken);
    }
  }

  /**
   * Creates the partitions of `table` for the months of `times` that have none, in a short
   * transaction of its own: call it before the write transaction that needs them.
   */
  async ensurePartitions(table: string, times: readonly number[]): Promise<void> {
    if (this.partitions.covers(table, times)) return;
    await this.transaction((c, pending) => this.partitions.ensure(c, pending, table, times));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
