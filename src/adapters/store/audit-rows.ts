import { type AuditRow, auditJson, chainRow } from './audit-chain.js';
import type { AuditEntry, AuditPage } from './ports.js';

/**
 * What the SQLite and PostgreSQL audit stores share above their SQL: the `audit_log` row as both
 * databases return it, its columns in insert order, and the steps from an entry to a chained row
 * and from rows to a page.
 */

export interface AuditTableRow {
  readonly seq: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly before_json: string | null;
  readonly after_json: string | null;
  readonly prev_hash: string;
  readonly hash: string;
}

/** The columns of `audit_log`, in the order of `auditRowValues`. */
export const AUDIT_COLUMNS = 'seq, at, actor, action, target, before_json, after_json, prev_hash, hash';

export function auditRowOf(r: AuditTableRow): AuditRow {
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

/** A row's values in `AUDIT_COLUMNS` order, for the INSERT. */
export function auditRowValues(row: AuditRow): (string | number | null)[] {
  return [row.seq, row.at, row.actor, row.action, row.target, row.before, row.after, row.prevHash, row.hash];
}

/** The row `entry` becomes after `last` (the newest row; null: the trail is empty). */
export function nextAuditRow(last: Pick<AuditRow, 'seq' | 'hash'> | null, entry: AuditEntry): AuditRow {
  return chainRow(last, {
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    before: auditJson(entry.before),
    after: auditJson(entry.after),
  });
}

/** A page from rows read newest first with one more than `limit` (which tells whether another page follows). */
export function auditPageOf(rows: readonly AuditTableRow[], limit: number): AuditPage {
  const items = rows.slice(0, limit).map(auditRowOf);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last ? last.seq : null };
}
