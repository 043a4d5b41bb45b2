import type { Statement } from 'better-sqlite3';
import { PRIORITY_ORDER } from '../../core/ensemble/priority.js';
import type { Outcome, OutcomeType } from '../../core/outcomes/types.js';
import type { Signal } from '../../core/signals/types.js';
import type {
  CreationRange,
  PageRequest,
  SignalCursor,
  SignalFilter,
  SignalListItem,
  SignalPage,
  TradeRow,
} from './ports.js';
import type { SqliteDatabase } from './sqlite-database.js';

/**
 * SQLite read queries over the signal tables, behind `SqliteSignalStore.listSignals` and
 * `liveTrades`. Every value is a bound parameter; only the shape of the WHERE clause varies,
 * and each shape is prepared once per database.
 */

const statements = new WeakMap<SqliteDatabase, Map<string, Statement>>();

function prepared(db: SqliteDatabase, sql: string): Statement {
  let byDb = statements.get(db);
  if (!byDb) {
    byDb = new Map();
    statements.set(db, byDb);
  }
  let st = byDb.get(sql);
  if (!st) {
    st = db.prepare(sql);
    byDb.set(sql, st);
  }
  return st;
}

function whereOf(filter: SignalFilter, after: SignalCursor | undefined): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const eq = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    clauses.push(`s.${column} = ?`);
    params.push(value);
  };
  eq('symbol', filter.symbol);
  eq('strategy', filter.strategy);
  eq('timeframe', filter.timeframe);
  eq('status', filter.status);
  eq('direction', filter.direction);
  if (filter.published !== undefined) {
    clauses.push('s.published = ?');
    params.push(filter.published ? 1 : 0);
  }
  if (filter.minPriority !== undefined) {
    const admitted = PRIORITY_ORDER.slice(PRIORITY_ORDER.indexOf(filter.minPriority));
    clauses.push(`json_extract(s.body, '$.priority') IN (${admitted.map(() => '?').join(', ')})`);
    params.push(...admitted);
  }
  if (filter.minConfidence !== undefined) {
    clauses.push('s.confidence >= ?');
    params.push(filter.minConfidence);
  }
  if (filter.since !== undefined) {
    clauses.push('s.created_at >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    clauses.push('s.created_at < ?');
    params.push(filter.until);
  }
  if (after) {
    // a row-value comparison walks the (created_at, id) index straight from the cursor
    clauses.push('(s.created_at, s.id) < (?, ?)');
    params.push(after.createdAt, after.id);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

interface ListRow {
  body: string;
  o_type: OutcomeType | null;
  o_filled: number | null;
  o_r: number | null;
  o_return: number | null;
  o_exit: number | null;
}

/** See `SignalStore.listSignals`. */
export function listSignals(db: SqliteDatabase, filter: SignalFilter, page: PageRequest): SignalPage {
  const where = whereOf(filter, page.after);
  const sql = `SELECT s.body AS body, o.type AS o_type, o.filled AS o_filled, o.r_multiple AS o_r,
      o.return_pct AS o_return, o.exit_time AS o_exit
    FROM signals s LEFT JOIN outcomes o ON o.signal_id = s.id AND o.shadow = 0
    ${where.sql}
    ORDER BY s.created_at DESC, s.id DESC
    LIMIT ?`;
  // one row more than asked tells whether another page exists without a COUNT
  const rows = prepared(db, sql).all(...where.params, page.limit + 1) as ListRow[];
  const more = rows.length > page.limit;
  const items = (more ? rows.slice(0, page.limit) : rows).map(
    (r): SignalListItem => ({
      signal: JSON.parse(r.body) as Signal,
      outcome:
        r.o_type === null
          ? null
          : {
              type: r.o_type,
              filled: r.o_filled === 1,
              rMultiple: r.o_r ?? 0,
              returnPct: r.o_return ?? 0,
              exitTime: r.o_exit ?? 0,
            },
    }),
  );
  const last = items[items.length - 1];
  return {
    items,
    next: more && last ? { createdAt: last.signal.createdAt, id: last.signal.id } : null,
  };
}

/** See `SignalStore.liveTrades`. */
export function liveTrades(db: SqliteDatabase, range: CreationRange = {}): TradeRow[] {
  const rows = prepared(
    db,
    `SELECT s.body AS signal, o.body AS outcome
     FROM outcomes o JOIN signals s ON s.id = o.signal_id
     WHERE o.shadow = 0 AND o.filled = 1 AND s.created_at >= ? AND s.created_at < ?
     ORDER BY s.created_at, s.id`,
  ).all(range.since ?? Number.MIN_SAFE_INTEGER, range.until ?? Number.MAX_SAFE_INTEGER) as {
    signal: string;
    outcome: string;
  }[];
  return rows.map((r) => ({
    signal: JSON.parse(r.signal) as Signal,
    outcome: JSON.parse(r.outcome) as Outcome,
  }));
}
