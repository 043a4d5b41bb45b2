import type { Outcome } from '../../core/outcomes/types.js';
import type { Signal } from '../../core/signals/types.js';
import type { CreationRange, PageRequest, SignalFilter, SignalPage, TradeRow } from './ports.js';
import { prepared, type SqliteDatabase } from './sqlite-database.js';
import {
  fromJson,
  LIST_COLUMNS,
  type ListRow,
  pageOf,
  signalWhere,
  sqliteBodyField,
  sqlitePlaceholder,
} from './store-rows.js';

/**
 * SQLite read queries over the signal tables, behind `SqliteSignalStore.listSignals` and
 * `liveTrades`. Every value is a bound parameter; only the shape of the WHERE clause varies,
 * and each shape is prepared once per database.
 */

/** The SQL and parameters of a listing (also what docs/STORE.md explains). */
export function sqliteListQuery(filter: SignalFilter, page: PageRequest): { sql: string; params: unknown[] } {
  const where = signalWhere(filter, page.after, sqlitePlaceholder, sqliteBodyField);
  const sql = `SELECT ${LIST_COLUMNS}
    FROM signals s LEFT JOIN outcomes o ON o.signal_id = s.id AND o.shadow = 0
    ${where.sql}
    ORDER BY s.created_at DESC, s.id DESC
    LIMIT ?`;
  // one row more than asked tells whether another page exists without a COUNT
  return { sql, params: [...where.params, page.limit + 1] };
}

/** See `SignalStore.listSignals`. */
export function listSignals(db: SqliteDatabase, filter: SignalFilter, page: PageRequest): SignalPage {
  const q = sqliteListQuery(filter, page);
  return pageOf(prepared(db, q.sql).all(...q.params) as ListRow[], page.limit);
}

export const SQLITE_LIVE_TRADES = `SELECT s.body AS signal, o.body AS outcome
     FROM outcomes o JOIN signals s ON s.id = o.signal_id
     WHERE o.shadow = 0 AND o.filled = 1 AND s.created_at >= ? AND s.created_at < ?
     ORDER BY s.created_at, s.id`;

/** See `SignalStore.liveTrades`. */
export function liveTrades(db: SqliteDatabase, range: CreationRange = {}): TradeRow[] {
  const rows = prepared(db, SQLITE_LIVE_TRADES).all(
    range.since ?? Number.MIN_SAFE_INTEGER,
    range.until ?? Number.MAX_SAFE_INTEGER,
  ) as {
    signal: string;
    outcome: string;
  }[];
  return rows.map((r) => ({ signal: fromJson<Signal>(r.signal), outcome: fromJson<Outcome>(r.outcome) }));
}
