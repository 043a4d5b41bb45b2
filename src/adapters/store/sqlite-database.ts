import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database, { type Statement } from 'better-sqlite3';
import { AUDIT_SQLITE_SQL } from './audit-schema.js';
import { DELIVERY_SQLITE_SQL } from './delivery-sql.js';
import { StoreError } from './store-errors.js';

export type SqliteDatabase = Database.Database;

/** One schema change; applied once, in order, inside a transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'candles',
    sql: `
      CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        exchange TEXT NOT NULL,
        symbol TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        UNIQUE (exchange, symbol, timeframe)
      );
      CREATE TABLE candles (
        series_id INTEGER NOT NULL REFERENCES series(id),
        open_time INTEGER NOT NULL,
        open REAL NOT NULL,
        high REAL NOT NULL,
        low REAL NOT NULL,
        close REAL NOT NULL,
        volume REAL NOT NULL,
        quote_volume REAL,
        trades INTEGER,
        PRIMARY KEY (series_id, open_time)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'signals, outcomes, backtest runs',
    sql: `
      CREATE TABLE signals (
        id TEXT PRIMARY KEY,
        symbol TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        strategy TEXT NOT NULL,
        direction TEXT NOT NULL,
        status TEXT NOT NULL,
        confidence REAL NOT NULL,
        created_at INTEGER NOT NULL,
        status_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX signals_by_time ON signals (created_at, id);
      CREATE INDEX signals_by_symbol ON signals (symbol, created_at);
      CREATE TABLE entry_analysis (
        signal_id TEXT PRIMARY KEY REFERENCES signals(id) ON DELETE CASCADE,
        entry_timeframe TEXT NOT NULL,
        chosen TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE TABLE rejected_candidates (
        id TEXT PRIMARY KEY,
        symbol TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE TABLE outcomes (
        signal_id TEXT NOT NULL,
        shadow INTEGER NOT NULL,
        type TEXT NOT NULL,
        filled INTEGER NOT NULL,
        r_multiple REAL NOT NULL,
        return_pct REAL NOT NULL,
        exit_time INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (signal_id, shadow)
      );
      CREATE TABLE backtest_runs (
        id INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL UNIQUE,
        saved_at INTEGER NOT NULL,
        symbols TEXT NOT NULL,
        range_from INTEGER,
        range_to INTEGER,
        signals INTEGER NOT NULL,
        trades INTEGER NOT NULL,
        report TEXT NOT NULL
      );
      CREATE TABLE backtest_signals (
        run_id INTEGER NOT NULL REFERENCES backtest_runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        signal_id TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      );
    `,
  },
  {
    version: 3,
    name: 'signal publication',
    sql: `
      ALTER TABLE signals ADD COLUMN published INTEGER NOT NULL DEFAULT 1;
      CREATE INDEX signals_by_publication ON signals (published, created_at, id);
      CREATE TABLE slice_changes (
        slice TEXT NOT NULL,
        from_state TEXT NOT NULL,
        to_state TEXT NOT NULL,
        reason TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (slice, at, to_state)
      );
    `,
  },
  {
    version: 4,
    name: 'confidence models',
    sql: `
      CREATE TABLE confidence_models (
        version TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        trained_from INTEGER NOT NULL,
        trained_to INTEGER NOT NULL,
        feature_names TEXT NOT NULL,
        metrics TEXT NOT NULL,
        body TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
      );
      CREATE UNIQUE INDEX confidence_models_one_active ON confidence_models (active) WHERE active = 1;
    `,
  },
  { version: 5, name: 'delivery', sql: DELIVERY_SQLITE_SQL },
  { version: 6, name: 'audit', sql: AUDIT_SQLITE_SQL },
  {
    // The listing's filters, each an index ending in the keyset order (created_at, id), so a
    // filtered page is one index walk from the cursor with no sort (docs/STORE.md, plans):
    // ?symbol= sorted its rows in a temporary B-tree ((symbol, created_at) lacked id);
    // ?status=ACTIVE walked the whole time index to find the few open signals; ?strategy= and
    // ?timeframe= had none (they help when the value is rare; the planner picks).
    version: 7,
    name: 'signal listing indexes',
    sql: `
      CREATE INDEX signals_by_symbol_id ON signals (symbol, created_at, id);
      DROP INDEX signals_by_symbol;
      CREATE INDEX signals_by_strategy ON signals (strategy, created_at, id);
      CREATE INDEX signals_by_status ON signals (status, created_at, id);
      CREATE INDEX signals_by_timeframe ON signals (timeframe, created_at, id);
    `,
  },
];

export { StoreError };

/**
 * Opens (creating when needed) the SQLite database in WAL mode and brings its schema up to
 * date. WAL lets the API read while an import or the live runtime writes.
 */
export function openSqlite(path: string, opts: { readonly?: boolean } = {}): SqliteDatabase {
  if (path !== ':memory:' && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
  let db: SqliteDatabase;
  try {
    db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (e) {
    throw new StoreError(`cannot open database ${path}: ${(e as Error).message}`);
  }
  try {
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    if (!opts.readonly) migrate(db);
  } catch (e) {
    db.close();
    throw new StoreError(`database ${path} is not usable: ${(e as Error).message}`);
  }
  return db;
}

function migrate(db: SqliteDatabase): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
  const applied = new Set(rows.map((r) => r.version));
  const current = Math.max(0, ...applied);
  const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new StoreError(
      `schema version ${current} is newer than this AlphaPulse knows (${latest}); upgrade AlphaPulse`,
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  // every migration not applied yet, not only those above the highest: migrations written on
  // parallel branches (independent tables) may be merged after a database took a later one
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      // the store records wall time of a migration; this is the adapter layer, not the core
      record.run(m.version, m.name, Date.now());
    })();
  }
}

const statements = new WeakMap<SqliteDatabase, Map<string, Statement>>();

/**
 * The statement of `sql` on `db`, compiled once per database and kept while the database lives:
 * every SQLite store reads and writes through it (the live path runs the same few texts on every
 * candle).
 */
export function prepared(db: SqliteDatabase, sql: string): Statement {
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
