/**
 * The audit trail's table, for SQLite (migration 6, 'audit') and its PostgreSQL twin. Append-only
 * by triggers; the hash chain (audit-chain.ts) shows tampering by anyone who gets past them.
 * before/after are TEXT, not JSON/JSONB: the hash covers their exact text, which JSONB would
 * normalise. `seq` is given by the appender (last + 1 inside the append's transaction), not a
 * serial, because the hash covers it.
 */

export const AUDIT_SQLITE_SQL = `
  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
  );
  CREATE INDEX audit_by_action ON audit_log (action, seq);
  CREATE INDEX audit_by_actor ON audit_log (actor, seq);
  CREATE INDEX audit_by_target ON audit_log (target, seq);
  CREATE INDEX audit_by_time ON audit_log (at, seq);
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`;

export const AUDIT_POSTGRES_SQL = `
  CREATE TABLE IF NOT EXISTS audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
  );
  CREATE INDEX IF NOT EXISTS audit_by_action ON audit_log (action, seq);
  CREATE INDEX IF NOT EXISTS audit_by_actor ON audit_log (actor, seq);
  CREATE INDEX IF NOT EXISTS audit_by_target ON audit_log (target, seq);
  CREATE INDEX IF NOT EXISTS audit_by_time ON audit_log (at, seq);
  CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_log is append-only'; END
  $$;
  DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
  CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
  DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
  CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
`;
