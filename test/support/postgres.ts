import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL the store tests talk to (GUIDE §7): 127.0.0.1:5432, trust auth, database
 * `test`, or ALPHAPULSE_TEST_POSTGRES_URL. Each test gets a schema of its own, dropped after,
 * so runs never see each other's rows. Absent outside CI, the tests skip with a message; under
 * CI=true an absent server fails every file that needs it, naming it.
 */
export const POSTGRES_URL =
  process.env.ALPHAPULSE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

const why = await reachable();
export const hasPostgres = why === null;

if (why !== null) {
  if (process.env.CI === 'true') {
    throw new Error(
      `[postgres] CI=true but PostgreSQL at ${POSTGRES_URL} does not answer (${why}): the PostgreSQL store tests must run in CI; start PostgreSQL 15 on 127.0.0.1:5432 (database test, trust auth) or set ALPHAPULSE_TEST_POSTGRES_URL`,
    );
  }
  console.warn(
    `[postgres] PostgreSQL at ${POSTGRES_URL} does not answer (${why}): the PostgreSQL store tests are skipped (set ALPHAPULSE_TEST_POSTGRES_URL to run them)`,
  );
}

/** A uniquely named schema for one test, and how to drop it. */
export interface TestSchema {
  readonly url: string;
  readonly schema: string;
  /** Runs SQL as an administrator on a connection of its own (search_path = the test schema). */
  admin(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

export function freshSchema(prefix = 'ap_test'): TestSchema {
  const schema = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string, params: unknown[] = []) => {
    const c = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
    c.on('error', () => {});
    await c.connect();
    try {
      return await c.query(sql, params);
    } finally {
      await c.end().catch(() => {});
    }
  };
  return {
    url: POSTGRES_URL,
    schema,
    admin,
    drop: async () => {
      await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}
