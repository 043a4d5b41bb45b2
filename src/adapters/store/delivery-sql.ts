/**
 * The delivery tables (schema version 5, 'delivery'), in SQLite and, as a twin for the
 * PostgreSQL store, in PostgreSQL. Same tables, columns and constraints; only the dialect
 * differs (identity columns, BIGINT, DOUBLE PRECISION). Credits are integers.
 *
 * Two rules live in the schema itself: a subscriber's cached balance can never go below zero
 * (CHECK), and a reservation is settled at most once (a partial unique index on the charge and
 * release rows). The balance column is the running sum of the subscriber's ledger rows, kept in
 * the same transaction as each row. The DDL is written once; each dialect fills in its column
 * types: an id that numbers itself, a 64-bit integer, a double. `DELIVERY_POSTGRES_SQL` was
 * checked against PostgreSQL 15+ (psql, a scratch schema).
 */
interface Dialect {
  readonly ID: string;
  readonly INT: string;
  readonly REAL: string;
}

function ddl({ ID, INT, REAL }: Dialect): string {
  return `
  CREATE TABLE delivery_products (
    strategy TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at ${INT} NOT NULL
  );
  CREATE TABLE delivery_channels (
    id ${ID},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    strategies TEXT NOT NULL,
    symbols TEXT NOT NULL,
    timeframe TEXT,
    min_confidence ${REAL} NOT NULL,
    max_daily_events INTEGER NOT NULL CHECK (max_daily_events >= 1),
    price ${INT} NOT NULL CHECK (price >= 0),
    destinations TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_at ${INT} NOT NULL
  );
  CREATE TABLE delivery_subscribers (
    id ${ID},
    name TEXT NOT NULL,
    strategies TEXT NOT NULL,
    balance ${INT} NOT NULL DEFAULT 0 CHECK (balance >= 0),
    api_key_hash TEXT UNIQUE,
    link_code TEXT UNIQUE,
    active INTEGER NOT NULL,
    created_at ${INT} NOT NULL
  );
  CREATE TABLE delivery_destinations (
    subscriber_id ${INT} NOT NULL REFERENCES delivery_subscribers(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    secret TEXT,
    active INTEGER NOT NULL,
    inactive_reason TEXT,
    PRIMARY KEY (subscriber_id, kind)
  );
  CREATE INDEX delivery_destinations_by_target ON delivery_destinations (kind, target);
  CREATE TABLE delivery_subscriptions (
    subscriber_id ${INT} NOT NULL REFERENCES delivery_subscribers(id) ON DELETE CASCADE,
    channel_id ${INT} NOT NULL REFERENCES delivery_channels(id) ON DELETE CASCADE,
    symbols TEXT,
    timeframe TEXT,
    min_confidence ${REAL},
    max_daily_events INTEGER,
    destinations TEXT,
    created_at ${INT} NOT NULL,
    PRIMARY KEY (subscriber_id, channel_id)
  );
  CREATE TABLE delivery_ledger (
    id ${ID},
    subscriber_id ${INT} NOT NULL REFERENCES delivery_subscribers(id),
    kind TEXT NOT NULL CHECK (kind IN ('topup', 'reserve', 'charge', 'release', 'adjust')),
    amount ${INT} NOT NULL,
    reservation_id ${INT} REFERENCES delivery_ledger(id),
    signal_id TEXT,
    note TEXT NOT NULL,
    created_at ${INT} NOT NULL
  );
  CREATE INDEX delivery_ledger_by_subscriber ON delivery_ledger (subscriber_id, id);
  CREATE UNIQUE INDEX delivery_ledger_one_settle ON delivery_ledger (reservation_id)
    WHERE kind IN ('charge', 'release');
  CREATE TABLE delivery_outbox (
    id ${ID},
    key TEXT NOT NULL UNIQUE,
    signal_id TEXT NOT NULL,
    subscriber_id ${INT} NOT NULL REFERENCES delivery_subscribers(id),
    channel_id ${INT} NOT NULL REFERENCES delivery_channels(id),
    destination TEXT NOT NULL,
    target TEXT NOT NULL,
    event TEXT NOT NULL,
    parent_id ${INT} REFERENCES delivery_outbox(id),
    reservation_id ${INT} REFERENCES delivery_ledger(id),
    cycle ${INT} NOT NULL,
    day INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'retrying', 'sending', 'delivered', 'dead')),
    attempts INTEGER NOT NULL,
    next_attempt_at ${INT} NOT NULL,
    lease_until ${INT},
    created_at ${INT} NOT NULL,
    delivered_at ${INT},
    external_id TEXT,
    last_error TEXT
  );
  CREATE INDEX delivery_outbox_due ON delivery_outbox (state, next_attempt_at);
  CREATE INDEX delivery_outbox_leases ON delivery_outbox (state, lease_until);
  CREATE INDEX delivery_outbox_by_subscriber ON delivery_outbox (subscriber_id, channel_id, day);
  CREATE INDEX delivery_outbox_by_signal ON delivery_outbox (signal_id);
  CREATE INDEX delivery_outbox_by_external ON delivery_outbox (destination, target, external_id);
  CREATE TABLE delivery_attempts (
    outbox_id ${INT} NOT NULL REFERENCES delivery_outbox(id),
    attempt INTEGER NOT NULL,
    started_at ${INT} NOT NULL,
    finished_at ${INT} NOT NULL,
    ok INTEGER NOT NULL,
    status INTEGER,
    error TEXT,
    PRIMARY KEY (outbox_id, attempt)
  );
  CREATE TABLE delivery_skips (
    signal_id TEXT NOT NULL,
    subscriber_id ${INT} NOT NULL,
    channel_id ${INT} NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at ${INT} NOT NULL,
    PRIMARY KEY (signal_id, subscriber_id, channel_id)
  );
  CREATE INDEX delivery_skips_by_subscriber ON delivery_skips (subscriber_id, created_at);
  CREATE TABLE delivery_acks (
    outbox_id ${INT} PRIMARY KEY REFERENCES delivery_outbox(id),
    via TEXT NOT NULL,
    acked_at ${INT} NOT NULL
  );
  CREATE TABLE delivery_considered (
    signal_id TEXT PRIMARY KEY,
    cycle ${INT} NOT NULL,
    considered_at ${INT} NOT NULL
  );
  CREATE TABLE delivery_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
`;
}

export const DELIVERY_SQLITE_SQL = ddl({ ID: 'INTEGER PRIMARY KEY', INT: 'INTEGER', REAL: 'REAL' });

export const DELIVERY_POSTGRES_SQL = ddl({
  ID: 'BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY',
  INT: 'BIGINT',
  REAL: 'DOUBLE PRECISION',
});
