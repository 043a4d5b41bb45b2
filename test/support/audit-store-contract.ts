import { afterEach, describe, expect, it } from 'vitest';
import { type AuditRow, chainRow, GENESIS_HASH } from '../../src/adapters/store/audit-chain.js';
import type { AuditStore } from '../../src/adapters/store/ports.js';

/** One opened audit store of a driver, with what the suite needs to look past the port. */
export interface OpenedAudit {
  readonly store: AuditStore;
  /** Runs SQL directly on the database (`$1, $2, ...` on both drivers); rejects as the database does. */
  exec(sql: string, params?: readonly unknown[]): Promise<void>;
  /** Drops the triggers that refuse UPDATE and DELETE, as someone with the database's keys could. */
  dropGuards(): Promise<void>;
  /** Versions and names recorded in the migrations table. */
  migrations(): Promise<{ version: number; name: string }[]>;
  /** Another connection (pool) to the same database, as a second process would have. */
  another(): Promise<OpenedAudit>;
}

/** An audit store driver under test: each `open` gives a fresh, empty database; `cleanup` removes them all. */
export interface AuditHarness {
  readonly driver: string;
  open(): Promise<OpenedAudit>;
  cleanup(): Promise<void>;
}

const t0 = Date.UTC(2025, 0, 1);

async function seeded(h: AuditHarness): Promise<OpenedAudit> {
  const o = await h.open();
  const { store } = o;
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
  return o;
}

/**
 * The audit trail's promises, run unchanged against every driver: migration 6, one hash chain
 * (the same hashes on every driver for the same entries), filters and pages, append-only
 * triggers, tampering named by `verify`, and appends from two connections at once forming one
 * chain.
 */
export function auditStoreContract(h: AuditHarness): void {
  afterEach(async () => {
    await h.cleanup();
  });

  describe(`audit store on ${h.driver}`, () => {
    it('applies migration 6 "audit"', async () => {
      const o = await h.open();
      expect(await o.migrations()).toContainEqual({ version: 6, name: 'audit' });
    });

    it('chains the rows: seq 1.., each carrying the previous hash; the chain verifies', async () => {
      const { store } = await seeded(h);
      const page = await store.list({}, { limit: 10 });
      expect(page.items.map((r) => r.seq)).toEqual([4, 3, 2, 1]);
      expect(page.next).toBeNull();
      const [first] = page.items.slice(-1);
      expect(first.prevHash).toBe(GENESIS_HASH);
      for (let i = 0; i < 3; i++) expect(page.items[i].prevHash).toBe(page.items[i + 1].hash);
      expect(page.items[0].after).toBe('{"status":"CLOSED","r":null}');
      expect(page.items[3].before).toBeNull();
      // the same entries hash the same on every driver: `audit verify` and a kept head agree across them
      expect(page.items[0].hash).toBe('186484c6187b936948e1d5a47c808775572fd773ce12fa1685654403d2b32bed');
      expect(await store.verify()).toEqual({ ok: true, rows: 4, head: page.items[0].hash });
    });

    it('filters by action, actor, target and time, and pages newest first', async () => {
      const { store } = await seeded(h);
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
      const window = await store.list({ since: t0 + 1000, until: t0 + 3000 }, { limit: 5 });
      expect(window.items.map((r) => r.seq)).toEqual([3, 2]);
    });

    it('refuses UPDATE and DELETE; past the triggers, an altered row fails verification and is named', async () => {
      const o = await seeded(h);
      const { store } = o;
      await expect(o.exec("UPDATE audit_log SET target = 'ETHUSDT' WHERE seq = 2")).rejects.toThrow(
        /append-only/,
      );
      await expect(o.exec('DELETE FROM audit_log WHERE seq = 2')).rejects.toThrow(/append-only/);
      // someone with the database drops the guard and rewrites history
      await o.dropGuards();
      await o.exec('UPDATE audit_log SET after_json = \'["BTCUSDT","XRPUSDT"]\' WHERE seq = 2');
      const bad = await store.verify();
      expect(bad.ok).toBe(false);
      if (bad.ok) return;
      expect(bad.badSeq).toBe(2);
      expect(bad.problem).toMatch(/row 2 \(symbol\.added on SOLUSDT\) was altered/);
      // recomputing that row's hash does not help: the next row still names the old one
      const row2 = (await store.list({}, { limit: 10 })).items.find((r) => r.seq === 2) as AuditRow;
      const { hash: _old, ...fields } = row2;
      const rehashed = chainRow({ seq: 1, hash: row2.prevHash }, fields);
      await o.exec('UPDATE audit_log SET hash = $1 WHERE seq = 2', [rehashed.hash]);
      const still = await store.verify();
      expect(still).toMatchObject({ ok: false, badSeq: 3 });
      if (!still.ok) expect(still.problem).toMatch(/row 3 does not follow row 2/);
      // a removed row is named too
      await o.exec('DELETE FROM audit_log WHERE seq = 3');
      expect(await store.verify()).toMatchObject({ ok: false, badSeq: 3 });
    });

    it('appends from two connections at once form one chain', async () => {
      const a = await h.open();
      const b = await a.another();
      const appender = (o: OpenedAudit, who: string) => async () => {
        for (let i = 0; i < 15; i++)
          await o.store.append({
            at: t0 + i,
            actor: who,
            action: 'x.y',
            target: `${who}-${i}`,
            after: { i },
          });
      };
      // three appenders per connection, all at once
      await Promise.all([a, b].flatMap((o, k) => [0, 1, 2].map((j) => appender(o, `w${k}${j}`)())));
      const v = await a.store.verify();
      expect(v).toMatchObject({ ok: true, rows: 90 });
      expect(await b.store.verify()).toEqual(v);
      const all = await a.store.list({}, { limit: 100 });
      expect(all.items.map((r) => r.seq)).toEqual(Array.from({ length: 90 }, (_, i) => 90 - i));
      expect(new Set(all.items.map((r) => r.target)).size).toBe(90);
    });
  });
}
