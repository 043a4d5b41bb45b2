import { type AuditRow, type AuditVerification, ChainChecker } from './audit-chain.js';
import {
  AUDIT_COLUMNS,
  type AuditTableRow,
  auditPageOf,
  auditRowOf,
  auditRowValues,
  nextAuditRow,
} from './audit-rows.js';
import type { AuditEntry, AuditFilter, AuditPage, AuditStore } from './ports.js';
import type { PostgresDatabase } from './postgres-database.js';
import { StoreError } from './store-errors.js';

/** Key of the advisory lock that queues appenders: (this, hash of the schema). */
const AUDIT_LOCK = 0x41504155; // 'APAU'

/** Rows per read while verifying: the chain is walked page by page, never held whole. */
const VERIFY_PAGE = 5000;

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
      const row = nextAuditRow(last ?? null, entry);
      await c.query(
        `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        auditRowValues(row),
      );
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
    const rows = await this.db.query<AuditTableRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log ${where} ORDER BY seq DESC LIMIT ${bind(page.limit + 1)}`,
      params,
    );
    return auditPageOf(rows, page.limit);
  }

  async verify(): Promise<AuditVerification> {
    const checker = new ChainChecker();
    // every row, whatever its seq (a row someone inserted with seq 0 must be seen)
    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const rows = await this.db.query<AuditTableRow>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [after, VERIFY_PAGE],
      );
      for (const r of rows) {
        const bad = checker.check(auditRowOf(r));
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
