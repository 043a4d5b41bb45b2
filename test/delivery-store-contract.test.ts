import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { PostgresCandleStore } from '../src/adapters/store/postgres-candle-store.js';
import { PostgresDatabase } from '../src/adapters/store/postgres-database.js';
import { PostgresDeliveryStore } from '../src/adapters/store/postgres-delivery-store.js';
import { PostgresSignalStore } from '../src/adapters/store/postgres-signal-store.js';
import { openSqlite } from '../src/adapters/store/sqlite-database.js';
import { SqliteDeliveryStore } from '../src/adapters/store/sqlite-delivery-store.js';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import {
  type DeliveryHarness,
  deliveryStoreContract,
  type OpenedDelivery,
} from './support/delivery-store-contract.js';
import { freshSchema, hasPostgres, type TestSchema } from './support/postgres.js';

/** `$1, $2, ...` as SQLite's `?` (the suite uses each parameter once, in order). */
const sqliteParams = (sql: string) => sql.replace(/\$\d+/g, '?');

/** SQLite: a fresh file per database, in a folder removed afterwards. */
function sqliteHarness(): DeliveryHarness {
  const opened: OpenedDelivery[] = [];
  const dirs: string[] = [];
  const openAt = (path: string): OpenedDelivery => {
    const db = openSqlite(path);
    const o: OpenedDelivery = {
      store: new SqliteDeliveryStore(db),
      signals: new SqliteSignalStore(db),
      query: async <R>(sql: string, params: readonly unknown[] = []) =>
        db.prepare(sqliteParams(sql)).all(...params) as R[],
      reopen: async () => openAt(path),
      close: async () => {
        if (db.open) db.close();
      },
    };
    opened.push(o);
    return o;
  };
  return {
    driver: 'SQLite',
    propertyRuns: 60,
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ap-delivery-contract-'));
      dirs.push(dir);
      return openAt(join(dir, 'alphapulse.db'));
    },
    cleanup: async () => {
      for (const o of opened.splice(0)) await o.close();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** PostgreSQL: a uniquely named schema per database in the `test` database, dropped afterwards. */
function postgresDeliveryHarness(): DeliveryHarness {
  const opened: OpenedDelivery[] = [];
  const schemas: TestSchema[] = [];
  const openIn = async (t: TestSchema): Promise<OpenedDelivery> => {
    const db = await PostgresDatabase.open({ url: t.url, schema: t.schema, poolSize: 4 });
    const o: OpenedDelivery = {
      store: new PostgresDeliveryStore(db),
      signals: new PostgresSignalStore(new PostgresCandleStore(db)),
      query: <R>(sql: string, params: readonly unknown[] = []) => db.query<R>(sql, params),
      reopen: () => openIn(t),
      close: () => db.close(),
    };
    opened.push(o);
    return o;
  };
  return {
    driver: 'PostgreSQL',
    // a fresh schema is about 0.8 s of migrations: fewer runs, the same property
    propertyRuns: 15,
    open: async () => {
      const t = freshSchema('ap_delivery');
      schemas.push(t);
      return openIn(t);
    },
    cleanup: async () => {
      for (const o of opened.splice(0)) await o.close();
      for (const t of schemas.splice(0)) await t.drop();
    },
  };
}

describe('delivery store contract on SQLite', () => {
  deliveryStoreContract(sqliteHarness());
});

describe.skipIf(!hasPostgres)('delivery store contract on PostgreSQL', () => {
  deliveryStoreContract(postgresDeliveryHarness());
});
