import type { Statement } from 'better-sqlite3';
import type { Outcome, OutcomeType } from '../../core/outcomes/types.js';
import type { Direction, Signal, SignalStatus } from '../../core/signals/types.js';
import type { SqliteDatabase } from './sqlite-database.js';

/**
 * Read queries over the signal tables for the API: filtered, cursor-paginated listing and the
 * trades behind the live track record. Every value is a bound parameter; only the shape of the
 * WHERE clause varies, and each shape is prepared once per database.
 */

export interface SignalFilter {
  readonly symbol?: string;
  readonly strategy?: string;
  readonly timeframe?: string;
  readonly status?: SignalStatus;
  readonly direction?: Direction;
  /** Confidence at or above this (0..1). */
  readonly minConfidence?: number;
  /** Created at or after this time (ms). */
  readonly since?: number;
  /** Created before this time (ms). */
  readonly until?: number;
}

/** Where a page ends: the (createdAt, id) of its last row, in the newest-first order. */
export interface SignalCursor {
  readonly createdAt: number;
  readonly id: string;
}

/** What the listing shows of a signal's outcome without loading its event log. */
export interface OutcomeSummary {
  readonly type: OutcomeType;
  readonly filled: boolean;
  readonly rMultiple: number;
  readonly returnPct: number;
  readonly exitTime: number;
}

export interface SignalListItem {
  readonly signal: Signal;
  readonly outcome: OutcomeSummary | null;
}

export interface SignalPage {
  readonly items: readonly SignalListItem[];
  /** Cursor of the next (older) page; null on the last page. */
  readonly next: SignalCursor | null;
}

/** A real (not shadow) outcome that was filled, with its signal: one trade of the track record. */
export interface TradeRow {
  readonly signal: Signal;
  readonly outcome: Outcome;
}

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

/** The cursor as an opaque URL-safe token: clients pass it back, they do not build it. */
export function encodeCursor(c: SignalCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id]), 'utf8').toString('base64url');
}

/** The cursor a token stands for, or null when the token was not made by `encodeCursor`. */
export function decodeCursor(token: string): SignalCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !Number.isSafeInteger(parsed[0]) ||
    typeof parsed[1] !== 'string' ||
    parsed[1].length === 0
  ) {
    return null;
  }
  return { createdAt: parsed[0] as number, id: parsed[1] };
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

/**
 * Signals matching `filter`, newest first (ties by id, descending), `limit` per page, starting
 * after `after`. Keyset pagination: a page is stable while new signals arrive, because they
 * sort before every cursor already handed out.
 */
export function listSignals(
  db: SqliteDatabase,
  filter: SignalFilter,
  page: { readonly limit: number; readonly after?: SignalCursor },
): SignalPage {
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

/**
 * The live track record's trades: real (not shadow) outcomes that were filled, of signals
 * created in [since, until), oldest first.
 */
export function liveTrades(
  db: SqliteDatabase,
  range: { readonly since?: number; readonly until?: number } = {},
): TradeRow[] {
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
