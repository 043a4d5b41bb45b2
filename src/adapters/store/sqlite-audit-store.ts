import type { Statement } from 'better-sqlite3';
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
import { openSqlite, prepared, type SqliteDatabase } from './sqlite-database.js';

/**
 * The audit trail in the service's SQLite database (table `audit_log`, migration 6). An append
 * reads the last row and writes the next in one immediate transaction, so concurrent writers
 * (the service and a CLI command on the same file) queue rather than fork the chain.
 */
export class SqliteAuditStore implements AuditStore {
  readonly db: SqliteDatabase;
  private readonly appendTx: (entry: AuditEntry) => AuditRow;

  constructor(pathOrDb: string | SqliteDatabase) {
    this.db = typeof pathOrDb === 'string' ? openSqlite(pathOrDb) : pathOrDb;
    const tx = this.db.transaction((entry: AuditEntry): AuditRow => {
      const last = this.stmt('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
        | Pick<AuditTableRow, 'seq' | 'hash'>
        | undefined;
      const row = nextAuditRow(last ?? null, entry);
      this.stmt(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        ...auditRowValues(row),
      );
      return row;
    });
    this.appendTx = (entry) => tx.immediate(entry);
  }

  private stmt(sql: string): Statement {
    return prepared(this.db, sql);
  }

  async append(entry: AuditEntry): Promise<AuditRow> {
    return this.appendTx(entry);
  }

  async list(
    filter: AuditFilter,
    page: { readonly limit: number; readonly before?: number },
  ): Promise<AuditPage> {
    const clauses: string[] = [];
    const params: (string | number)[] = [];
    for (const column of ['action', 'actor', 'target'] as const) {
      const value = filter[column];
      if (value === undefined) continue;
      clauses.push(`${column} = ?`);
      params.push(value);
    }
    if (filter.since !== undefined) {
      clauses.push('at >= ?');
      params.push(filter.since);
    }
    if (filter.until !== undefined) {
      clauses.push('at < ?');
      params.push(filter.until);
    }
    if (page.before !== undefined) {
      clauses.push('seq < ?');
      params.push(page.before);
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    // one more than asked tells whether another page follows
    const rows = this.stmt(`SELECT ${AUDIT_COLUMNS} FROM audit_log ${where} ORDER BY seq DESC LIMIT ?`).all(
      ...params,
      page.limit + 1,
    ) as AuditTableRow[];
    return auditPageOf(rows, page.limit);
  }

  async verify(): Promise<AuditVerification> {
    // synchronous from start to end: the connection is busy while the rows are iterated
    const checker = new ChainChecker();
    for (const r of this.stmt(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq`,
    ).iterate() as IterableIterator<AuditTableRow>) {
      const bad = checker.check(auditRowOf(r));
      if (bad) return bad;
    }
    return checker.result();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
