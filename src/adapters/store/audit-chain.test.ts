import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// the stores themselves: test/audit-store-contract.test.ts, on SQLite and PostgreSQL
import { type AuditRow, ChainChecker, chainRow, GENESIS_HASH, verifyChain } from './audit-chain.js';
import { type AuditTableRow, auditRowOf } from './audit-rows.js';
import { AUDIT_POSTGRES_SQL } from './audit-schema.js';

describe('the audit hash chain', () => {
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
    // a bare pg client returns BIGINT columns as text
    const { rows } = await client.query<Omit<AuditTableRow, 'seq' | 'at'> & { seq: string; at: string }>(
      'SELECT * FROM audit_log ORDER BY seq',
    );
    const read = rows.map((r) => auditRowOf({ ...r, seq: Number(r.seq), at: Number(r.at) }));
    expect(verifyChain(read)).toMatchObject({ ok: true, rows: 3, head: prev?.hash });
  });
});
