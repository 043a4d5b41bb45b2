import type pg from 'pg';

/** Key of the advisory lock serialising partition creation: (this, hash of the schema). */
const PARTITION_LOCK = 0x41505054; // 'APPT'

/** Partitions created by a transaction that has not committed yet. */
export type PendingPartitions = Set<string>;

interface Month {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

/** The UTC month holding `t` (ms), as the partition of `table` that holds it. */
export function monthOf(table: string, t: number): Month {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return {
    name: `${table}_y${String(y).padStart(4, '0')}m${String(m + 1).padStart(2, '0')}`,
    from: Date.UTC(y, m, 1),
    to: Date.UTC(y, m + 1, 1),
  };
}

/**
 * Monthly range partitions of the natively partitioned tables (candles by open time, outcomes
 * by their signal's creation time), created on demand. Creating one locks the parent table
 * (and, for its foreign key, the series table) exclusively, so it is done in a short
 * transaction of its own before the write that needs it (`PostgresDatabase.ensurePartitions`):
 * made inside a write transaction that already holds locks, two processes reaching a new month
 * together deadlock. Only `atomically` (an import that may span months it cannot know in
 * advance) creates them inside its own transaction, where a partition made on another
 * connection would wait for that very transaction. Creation takes an advisory lock, so two
 * processes create a month once; which partitions exist is cached, so the common write takes
 * no lock at all. A TimescaleDB hypertable is not natively partitioned and is left to
 * TimescaleDB's own chunks.
 */
export class MonthlyPartitions {
  /** Natively partitioned tables of the schema. */
  private readonly partitioned = new Set<string>();
  private readonly known = new Set<string>();

  /** Reads which tables are partitioned and which partitions exist. */
  async load(c: pg.PoolClient): Promise<void> {
    const parents = await c.query(
      `SELECT p.relname AS name FROM pg_partitioned_table t
         JOIN pg_class p ON p.oid = t.partrelid
        WHERE p.relnamespace = current_schema()::regnamespace`,
    );
    for (const r of parents.rows as { name: string }[]) this.partitioned.add(r.name);
    const children = await c.query(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relnamespace = current_schema()::regnamespace`,
    );
    for (const r of children.rows as { name: string }[]) this.known.add(r.name);
  }

  isPartitioned(table: string): boolean {
    return this.partitioned.has(table);
  }

  begin(): PendingPartitions {
    return new Set();
  }

  commit(pending: PendingPartitions): void {
    for (const p of pending) this.known.add(p);
  }

  rollback(pending: PendingPartitions): void {
    pending.clear();
  }

  /** The months of `times` that have no partition of `table` yet (none when it is not partitioned). */
  private missing(
    table: string,
    times: Iterable<number>,
    pending: PendingPartitions | null,
  ): Map<string, Month> | null {
    if (!this.partitioned.has(table)) return null;
    let missing: Map<string, Month> | null = null;
    for (const t of times) {
      const m = monthOf(table, t);
      if (this.known.has(m.name) || pending?.has(m.name) || missing?.has(m.name)) continue;
      missing ??= new Map();
      missing.set(m.name, m);
    }
    return missing;
  }

  /** Whether every month of `times` has its partition of `table` already. */
  covers(table: string, times: Iterable<number>): boolean {
    return this.missing(table, times, null) === null;
  }

  /** Makes sure the months of `times` have partitions of `table`, on the transaction's connection `c`. */
  async ensure(
    c: pg.PoolClient,
    pending: PendingPartitions,
    table: string,
    times: Iterable<number>,
  ): Promise<void> {
    const missing = this.missing(table, times, pending);
    if (!missing) return;
    await c.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [PARTITION_LOCK]);
    for (const m of missing.values()) {
      // IF NOT EXISTS: another process may have made it while this one waited for the lock
      await c.query(
        `CREATE TABLE IF NOT EXISTS "${m.name}" PARTITION OF ${table} FOR VALUES FROM (${m.from}) TO (${m.to})`,
      );
      pending.add(m.name);
    }
  }
}
