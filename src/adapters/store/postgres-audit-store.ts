import { type AuditRow, type AuditVerification, auditJson, ChainChecker, chainRow } from './audit-chain.js';
import type { AuditEntry, AuditFilter, AuditPage, AuditStore } from './ports.js';
import type { PostgresDatabase } from './postgres-database.js';
import { StoreError } from './store-errors.js';

interface Row {
  seq: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  before_json: string | null;
  after_json: string | null;
  prev_hash: string;
  hash: string;
}

const COLUMNS = 'seq, at, actor, action, target, before_json, after_json, prev_hash, hash';

/** Key of the advisory lock that queues appenders: (this, hash of the schema). */
const AUDIT_LOCK = 0x41504155; // 'APAU'

/** Rows per read while verifying: the chain is walked page by page, never held whole. */
const VERIFY_PAGE = 5000;

function fromRow(r: Row): AuditRow {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    before: r.before_json,
    after: r.after_json,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * The audit trail in PostgreSQL (table `audit_log`, migration 6), with the same hash chain as
 * `SqliteAuditStore` (audit-chain.ts), so `alphapulse audit verify` reads either. An append
 * takes a transaction-scoped advisory lock for the schema's trail before it reads the head, so
 * appenders on any number of connections or processes queue and form one chain; the lock goes
 * with the commit or rollback. (`seq` being the primary key and `hash` unique would refuse a
 * fork anyway; the lock makes the second appender wait instead of fail.)
 */
export class PostgresAuditStore implements AuditStore {
  constructor(private readonly db: PostgresDatabase) {}

  async append(entry: AuditEntry): Promise<AuditRow> {
    return this.db.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [AUDIT_LOCK]);
      const last = (
        await c.query<{ seq: number; hash: string }>(
          'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
        )
      ).rows[0];
      const row = chainRow(last ?? null, {
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        before: auditJson(entry.before),
        after: auditJson(entry.after),
      });
      await c.query(`INSERT INTO audit_log (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
        row.seq,
        row.at,
        row.actor,
        row.action,
        row.target,
        row.before,
        row.after,
        row.prevHash,
        row.hash,
      ]);
      return row;
    });
  }

  async list(
    filter: AuditFilter,
    page: { readonly limit: number; readonly before?: number },
  ): Promise<AuditPage> {
    const clauses: string[] = [];
    const params: (string | number)[] = [];
    const bind = (v: string | number): string => {
      params.push(v);
      return `$${params.length}`;
    };
    for (const column of ['action', 'actor', 'target'] as const) {
      const value = filter[column];
      if (value !== undefined) clauses.push(`${column} = ${bind(value)}`);
    }
    if (filter.since !== undefined) clauses.push(`at >= ${bind(filter.since)}`);
    if (filter.until !== undefined) clauses.push(`at < ${bind(filter.until)}`);
    if (page.before !== undefined) clauses.push(`seq < ${bind(page.before)}`);
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    // one more than asked tells whether another page follows
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM audit_log ${where} ORDER BY seq DESC LIMIT ${bind(page.limit + 1)}`,
      params,
    );
    const items = rows.slice(0, page.limit).map(fromRow);
    const last = items.at(-1);
    return { items, next: rows.length > page.limit && last ? last.seq : null };
  }

  async verify(): Promise<AuditVerification> {
    const checker = new ChainChecker();
    // every row, whatever its seq (a row someone inserted with seq 0 must be seen)
    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const rows = await this.db.query<Row>(
        `SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [after, VERIFY_PAGE],
      );
      for (const r of rows) {
        const bad = checker.check(fromRow(r));
        if (bad) return bad;
      }
      const last = rows.at(-1);
      if (rows.length < VERIFY_PAGE || !last) return checker.result();
      if (last.seq <= after) throw new StoreError('audit_log did not advance while being verified');
      after = last.seq;
    }
  }

  /** The database belongs to the stores opened with it: closing them closes it. */
  async close(): Promise<void> {}
}
