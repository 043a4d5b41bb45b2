import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditRow, ChainChecker, chainRow, GENESIS_HASH, verifyChain } from './audit-chain.js';
import { AUDIT_POSTGRES_SQL } from './audit-schema.js';
import { SqliteAuditStore } from './sqlite-audit-store.js';
import { MIGRATIONS, openSqlite, type SqliteDatabase } from './sqlite-database.js';

describe('SqliteAuditStore on a real SQLite file', () => {
  let db: SqliteDatabase;
  let store: SqliteAuditStore;

  beforeAll(async () => {
    db = openSqlite(join(mkdtempSync(join(tmpdir(), 'ap-audit-')), 'audit.db'));
    store = new SqliteAuditStore(db);
    const t0 = Date.UTC(2025, 0, 1);
    await store.append({
      at: t0,
      actor: 'system',
      action: 'config.started',
      target: 'config',
      after: { hash: 'abc' },
    });
    await store.append({
      at: t0 + 1000,
      actor: 'key:1a2b3c4d5e6f',
      action: 'symbol.added',
      target: 'SOLUSDT',
      before: ['BTCUSDT'],
      after: ['BTCUSDT', 'SOLUSDT'],
    });
    await store.append({
      at: t0 + 2000,
      actor: 'engine',
      action: 'slice.state_changed',
      target: 'momentum:1h',
      before: 'validated',
      after: 'probation',
    });
    await store.append({
      at: t0 + 3000,
      actor: 'key:1a2b3c4d5e6f',
      action: 'signal.closed',
      target: 'sig-1',
      before: { status: 'ACTIVE' },
      // NaN is stored as null, as JSON says
      after: { status: 'CLOSED', r: Number.NaN },
    });
  });

  afterAll(() => {
    if (db.open) db.close();
  });

  it('applies migration 6 "audit"', () => {
    expect(MIGRATIONS.map((m) => [m.version, m.name])).toContainEqual([6, 'audit']);
    const row = db.prepare('SELECT name FROM schema_migrations WHERE version = 6').get() as { name: string };
    expect(row.name).toBe('audit');
  });

  it('chains the rows: seq 1.., each carrying the previous hash; the chain verifies', async () => {
    const page = await store.list({}, { limit: 10 });
    expect(page.items.map((r) => r.seq)).toEqual([4, 3, 2, 1]);
    expect(page.next).toBeNull();
    const [first] = page.items.slice(-1);
    expect(first.prevHash).toBe(GENESIS_HASH);
    for (let i = 0; i < 3; i++) expect(page.items[i].prevHash).toBe(page.items[i + 1].hash);
    expect(page.items[0].after).toBe('{"status":"CLOSED","r":null}');
    expect(page.items[3].before).toBeNull();
    expect(await store.verify()).toEqual({ ok: true, rows: 4, head: page.items[0].hash });
  });

  it('filters by action, actor, target and time, and pages newest first', async () => {
    const byActor = await store.list({ actor: 'key:1a2b3c4d5e6f' }, { limit: 1 });
    expect(byActor.items.map((r) => r.action)).toEqual(['signal.closed']);
    expect(byActor.next).toBe(4);
    const older = await store.list({ actor: 'key:1a2b3c4d5e6f' }, { limit: 1, before: 4 });
    expect(older.items.map((r) => r.action)).toEqual(['symbol.added']);
    expect(older.next).toBeNull();
    expect((await store.list({ action: 'slice.state_changed' }, { limit: 5 })).items[0].target).toBe(
      'momentum:1h',
    );
    expect((await store.list({ target: 'SOLUSDT' }, { limit: 5 })).items).toHaveLength(1);
    const t0 = Date.UTC(2025, 0, 1);
    const window = await store.list({ since: t0 + 1000, until: t0 + 3000 }, { limit: 5 });
    expect(window.items.map((r) => r.seq)).toEqual([3, 2]);
  });

  it('refuses UPDATE and DELETE; past the triggers, an altered row fails verification and is named', async () => {
    expect(() => db.prepare("UPDATE audit_log SET target = 'ETHUSDT' WHERE seq = 2").run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
    // someone with the file drops the guard and rewrites history
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare('UPDATE audit_log SET after_json = \'["BTCUSDT","XRPUSDT"]\' WHERE seq = 2').run();
    const bad = await store.verify();
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.badSeq).toBe(2);
    expect(bad.problem).toMatch(/row 2 \(symbol\.added on SOLUSDT\) was altered/);
    // recomputing that row's hash does not help: the next row still names the old one
    const row2 = (await store.list({}, { limit: 10 })).items.find((r) => r.seq === 2) as AuditRow;
    const { hash: _old, ...fields } = row2;
    const rehashed = chainRow({ seq: 1, hash: row2.prevHash }, fields);
    db.prepare('UPDATE audit_log SET hash = ? WHERE seq = 2').run(rehashed.hash);
    const still = await store.verify();
    expect(still).toMatchObject({ ok: false, badSeq: 3 });
    if (!still.ok) expect(still.problem).toMatch(/row 3 does not follow row 2/);
  });

  it('names a removed row and a row that does not follow', () => {
    const rows: AuditRow[] = [];
    let prev: AuditRow | null = null;
    for (let i = 0; i < 4; i++) {
      prev = chainRow(prev, { at: i, actor: 'a', action: 'x', target: `t${i}`, before: null, after: null });
      rows.push(prev);
    }
    expect(verifyChain(rows)).toMatchObject({ ok: true, rows: 4 });
    expect(verifyChain([rows[0], rows[2], rows[3]])).toMatchObject({ ok: false, badSeq: 2 });
    const checker = new ChainChecker();
    expect(checker.check(rows[0])).toBeNull();
    expect(checker.check({ ...rows[1], prevHash: GENESIS_HASH })).toMatchObject({ ok: false, badSeq: 2 });
  });
});

const PG_URL = process.env.ALPHAPULSE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 1000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

const hasPg = await pgReachable();
if (!hasPg) {
  if (process.env.CI === 'true') throw new Error(`CI=true but PostgreSQL at ${PG_URL} does not answer`);
  console.warn(`[postgres] ${PG_URL} does not answer: the AUDIT_POSTGRES_SQL test is skipped`);
}

describe.skipIf(!hasPg)('AUDIT_POSTGRES_SQL on the real PostgreSQL', () => {
  const schema = `audit_test_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: PG_URL });

  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
  });

  afterAll(async () => {
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  });

  it('creates the same table (twice, idempotently), refuses UPDATE, DELETE and TRUNCATE, and the chain verifies', async () => {
    await client.query(AUDIT_POSTGRES_SQL);
    await client.query(AUDIT_POSTGRES_SQL);
    let prev: AuditRow | null = null;
    for (let i = 0; i < 3; i++) {
      const row: AuditRow = chainRow(prev, {
        at: 1_700_000_000_000 + i,
        actor: 'system',
        action: 'x',
        target: `t${i}`,
        before: null,
        after: '{"k":1}',
      });
      await client.query(
        'INSERT INTO audit_log (seq, at, actor, action, target, before_json, after_json, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [row.seq, row.at, row.actor, row.action, row.target, row.before, row.after, row.prevHash, row.hash],
      );
      prev = row;
    }
    await expect(client.query("UPDATE audit_log SET target = 'z'")).rejects.toThrow(/append-only/);
    await expect(client.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(client.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    const { rows } = await client.query<{
      seq: string;
      at: string;
      actor: string;
      action: string;
      target: string;
      before_json: string | null;
      after_json: string | null;
      prev_hash: string;
      hash: string;
    }>('SELECT * FROM audit_log ORDER BY seq');
    const read = rows.map((r) => ({
      seq: Number(r.seq),
      at: Number(r.at),
      actor: r.actor,
      action: r.action,
      target: r.target,
      before: r.before_json,
      after: r.after_json,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
    expect(verifyChain(read)).toMatchObject({ ok: true, rows: 3, head: prev?.hash });
  });
});
