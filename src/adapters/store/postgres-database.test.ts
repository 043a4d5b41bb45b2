import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freshSchema, hasPostgres, type TestSchema } from '../../../test/support/postgres.js';
import { PostgresCandleStore } from './postgres-candle-store.js';
import { PostgresDatabase } from './postgres-database.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { MIGRATIONS } from './sqlite-database.js';

const LAST = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]?.version ?? 0;

import { StoreError, StoreUnavailableError } from './store-errors.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const H = 3_600_000;

const schemas: TestSchema[] = [];
const dbs: PostgresDatabase[] = [];
function schema(): TestSchema {
  const t = freshSchema('ap_pgdb');
  schemas.push(t);
  return t;
}
async function open(t: TestSchema): Promise<PostgresDatabase> {
  const db = await PostgresDatabase.open({ url: t.url, schema: t.schema, poolSize: 3 });
  dbs.push(db);
  return db;
}
afterEach(async () => {
  for (const d of dbs.splice(0)) await d.close();
  for (const t of schemas.splice(0)) await t.drop();
});

/** Runs test/support/open-postgres-store.ts in a process of its own. */
function startProcess(t: TestSchema): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repo, 'test/support/open-postgres-store.ts'), t.url, t.schema],
      { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? ok(out) : fail(new Error(`exit ${code}: ${out}`))));
  });
}

describe('PostgreSQL migrations', () => {
  it('has a twin of every SQLite migration: the same versions and names, in order', () => {
    expect(POSTGRES_MIGRATIONS.map((m) => [m.version, m.name])).toEqual(
      MIGRATIONS.map((m) => [m.version, m.name]),
    );
  });

  it.skipIf(!hasPostgres)(
    'are applied once when four processes start at once on an empty schema, and all of them start',
    async () => {
      const t = schema();
      const outs = await Promise.all([startProcess(t), startProcess(t), startProcess(t), startProcess(t)]);
      expect(outs.map((o) => o.trim())).toEqual(['opened', 'opened', 'opened', 'opened']);
      const rows = (await t.admin('SELECT version, name FROM schema_migrations ORDER BY version')).rows;
      expect(rows).toEqual(POSTGRES_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      // the month they all wrote into was created once, and holds each candle once
      const parts = await t.admin(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'candles'::regclass",
      );
      expect(parts.rows.map((r: { relname: string }) => r.relname).sort()).toEqual(['candles_y2031m07']);
      expect(Number((await t.admin('SELECT count(*) AS n FROM candles')).rows[0].n)).toBe(48);
    },
  );

  it.skipIf(!hasPostgres)(
    'refuses a schema newer than this version knows, naming both versions',
    async () => {
      const t = schema();
      await (await open(t)).close();
      await t.admin("INSERT INTO schema_migrations VALUES (99, 'from the future', 0)");
      const err = await PostgresDatabase.open({ url: t.url, schema: t.schema }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as Error).message).toMatch(
        new RegExp(`schema version 99 is newer than this AlphaPulse knows \\(${LAST}\\)`),
      );
    },
  );

  it.skipIf(!hasPostgres)('rolls a failing migration back whole and records nothing of it', async () => {
    const t = schema();
    const broken = [
      ...POSTGRES_MIGRATIONS,
      { version: LAST + 1, name: 'broken', sql: 'CREATE TABLE half (x int); SELECT no_such_function();' },
    ];
    const err = await PostgresDatabase.open({ url: t.url, schema: t.schema, migrations: broken }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(
      new RegExp(`migration ${LAST + 1} \\(broken\\) failed: function no_such_function\\(\\) does not exist`),
    );
    const versions = (await t.admin('SELECT version FROM schema_migrations ORDER BY version')).rows;
    expect(versions).toEqual(POSTGRES_MIGRATIONS.map((m) => ({ version: m.version })));
    expect((await t.admin("SELECT to_regclass('half') AS t")).rows[0].t).toBeNull();
  });
});

describe.skipIf(!hasPostgres)('PostgreSQL partitions', () => {
  it('puts candles in monthly partitions made on demand, and a month query reads only its own', async () => {
    const t = schema();
    const db = await open(t);
    const store = new PostgresCandleStore(db);
    const T = Date.UTC(2025, 0, 30);
    const key = { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1h' } as const;
    await store.upsertCandles(
      key,
      Array.from({ length: 24 * 40 }, (_, i) => ({
        openTime: T + i * H,
        open: 1,
        high: 2,
        low: 0.5,
        close: 1,
        volume: 1,
      })),
    );
    const parts = await t.admin(
      "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'candles'::regclass ORDER BY 1",
    );
    expect(parts.rows.map((r: { relname: string }) => r.relname)).toEqual([
      'candles_y2025m01',
      'candles_y2025m02',
      'candles_y2025m03',
    ]);
    const plan = await t.admin(
      `EXPLAIN (FORMAT JSON) SELECT * FROM candles WHERE series_id = 1 AND open_time >= ${Date.UTC(2025, 1, 3)} AND open_time < ${Date.UTC(2025, 1, 4)}`,
    );
    const text = JSON.stringify(plan.rows[0]);
    expect(text).toContain('candles_y2025m02');
    expect(text).not.toContain('candles_y2025m01');
    expect(text).not.toContain('candles_y2025m03');
  });

  it('fails fast with a StoreUnavailableError naming the server when nothing listens there', async () => {
    const started = Date.now();
    const err = await PostgresDatabase.open({
      url: 'postgres://alphapulse:secret@127.0.0.1:1/none',
      connectTimeoutMs: 2000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as Error).message).toMatch(/postgres:\/\/alphapulse@127\.0\.0\.1:1\/none is unavailable/);
    expect((err as Error).message).not.toContain('secret');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
