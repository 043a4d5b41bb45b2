import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { PostgresCandleStore } from '../src/adapters/store/postgres-candle-store.js';
import { PostgresDatabase } from '../src/adapters/store/postgres-database.js';
import { PostgresSignalStore } from '../src/adapters/store/postgres-signal-store.js';
import { SqliteCandleStore } from '../src/adapters/store/sqlite-candle-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import { freshSchema, hasPostgres, type TestSchema } from './support/postgres.js';
import { type OpenedStore, type StoreHarness, storeContract } from './support/store-contract.js';

/** SQLite: a fresh file per test, in a folder removed afterwards. */
function sqliteHarness(): StoreHarness {
  const opened: { close(): Promise<void> }[] = [];
  const dirs: string[] = [];
  const openAt = (path: string): OpenedStore => {
    const db = openSqlite(path);
    const store: OpenedStore = {
      candles: new SqliteCandleStore(db),
      signals: new SqliteSignalStore(db),
      rows: async (table) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n,
      refuseInserts: async (table) => {
        db.exec(
          `CREATE TRIGGER refuse_${table} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, '${table} refused by the test'); END`,
        );
        return async () => {
          db.exec(`DROP TRIGGER refuse_${table}`);
        };
      },
      migrations: async () =>
        (
          db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all() as {
            version: number;
            applied_at: number;
          }[]
        ).map((r) => ({ version: r.version, appliedAt: r.applied_at })),
      reopen: async () => openAt(path),
      close: async () => {
        if (db.open) db.close();
      },
    };
    opened.push(store);
    return store;
  };
  return {
    driver: 'SQLite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ap-contract-'));
      dirs.push(dir);
      return openAt(join(dir, 'alphapulse.db'));
    },
    cleanup: async () => {
      for (const s of opened.splice(0)) await s.close();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** PostgreSQL: a uniquely named schema per test in the `test` database, dropped afterwards. */
function postgresHarness(): StoreHarness {
  const opened: { close(): Promise<void> }[] = [];
  const schemas: TestSchema[] = [];
  const openIn = async (t: TestSchema): Promise<OpenedStore> => {
    const db = await PostgresDatabase.open({ url: t.url, schema: t.schema, poolSize: 4 });
    const candles = new PostgresCandleStore(db);
    const store: OpenedStore = {
      candles,
      signals: new PostgresSignalStore(candles),
      rows: async (table) => Number((await t.admin(`SELECT count(*) AS n FROM ${table}`)).rows[0].n),
      refuseInserts: async (table) => {
        await t.admin(
          `CREATE FUNCTION refuse_${table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${table} refused by the test'; END $$;
           CREATE TRIGGER refuse_${table} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_${table}();`,
        );
        return async () => {
          await t.admin(`DROP TRIGGER refuse_${table} ON ${table}; DROP FUNCTION refuse_${table}();`);
        };
      },
      migrations: async () =>
        (await t.admin('SELECT version, applied_at FROM schema_migrations ORDER BY version')).rows.map(
          (r: { version: number; applied_at: string }) => ({
            version: r.version,
            appliedAt: Number(r.applied_at),
          }),
        ),
      reopen: () => openIn(t),
      close: () => db.close(),
    };
    opened.push(store);
    return store;
  };
  return {
    driver: 'PostgreSQL',
    open: async () => {
      const t = freshSchema('ap_contract');
      schemas.push(t);
      return openIn(t);
    },
    cleanup: async () => {
      for (const s of opened.splice(0)) await s.close();
      for (const t of schemas.splice(0)) await t.drop();
    },
  };
}

describe('store contract on SQLite', () => {
  storeContract(sqliteHarness());
});

describe.skipIf(!hasPostgres)('store contract on PostgreSQL', () => {
  storeContract(postgresHarness());
});
