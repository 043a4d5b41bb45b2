import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { PostgresAuditStore } from '../src/adapters/store/postgres-audit-store.js';
import { PostgresDatabase } from '../src/adapters/store/postgres-database.js';
import { SqliteAuditStore } from '../src/adapters/store/sqlite-audit-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { type AuditHarness, auditStoreContract, type OpenedAudit } from './support/audit-store-contract.js';
import { freshSchema, hasPostgres, type TestSchema } from './support/postgres.js';

/** SQLite: a fresh file per database, in a folder removed afterwards. */
function sqliteHarness(): AuditHarness {
  const closers: (() => void)[] = [];
  const dirs: string[] = [];
  const openAt = (path: string): OpenedAudit => {
    const db = openSqlite(path);
    closers.push(() => {
      if (db.open) db.close();
    });
    return {
      store: new SqliteAuditStore(db),
      exec: async (sql, params = []) => {
        db.prepare(sql.replace(/\$\d+/g, '?')).run(...params);
      },
      dropGuards: async () => {
        db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
      },
      migrations: async () =>
        db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as {
          version: number;
          name: string;
        }[],
      another: async () => openAt(path),
    };
  };
  return {
    driver: 'SQLite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ap-audit-contract-'));
      dirs.push(dir);
      return openAt(join(dir, 'alphapulse.db'));
    },
    cleanup: async () => {
      for (const close of closers.splice(0)) close();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** PostgreSQL: a uniquely named schema per database in the `test` database, dropped afterwards. */
function postgresHarness(): AuditHarness {
  const dbs: PostgresDatabase[] = [];
  const schemas: TestSchema[] = [];
  const openIn = async (t: TestSchema): Promise<OpenedAudit> => {
    const db = await PostgresDatabase.open({ url: t.url, schema: t.schema, poolSize: 4 });
    dbs.push(db);
    return {
      store: new PostgresAuditStore(db),
      exec: async (sql, params = []) => {
        await db.query(sql, params);
      },
      dropGuards: async () => {
        await db.query('DROP TRIGGER audit_log_append_only ON audit_log');
      },
      migrations: () => db.query('SELECT version, name FROM schema_migrations ORDER BY version'),
      another: () => openIn(t),
    };
  };
  return {
    driver: 'PostgreSQL',
    open: async () => {
      const t = freshSchema('ap_audit');
      schemas.push(t);
      return openIn(t);
    },
    cleanup: async () => {
      for (const db of dbs.splice(0)) await db.close();
      for (const t of schemas.splice(0)) await t.drop();
    },
  };
}

describe('audit store contract on SQLite', () => {
  auditStoreContract(sqliteHarness());
});

describe.skipIf(!hasPostgres)('audit store contract on PostgreSQL', () => {
  auditStoreContract(postgresHarness());
});
