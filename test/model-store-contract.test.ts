import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelStore } from '../src/adapters/store/ports.js';
import { PostgresDatabase } from '../src/adapters/store/postgres-database.js';
import { PostgresModelStore } from '../src/adapters/store/postgres-model-store.js';
import { SqliteModelStore } from '../src/adapters/store/sqlite-model-store.js';
import { trainConfidenceModel } from '../src/core/learn/fit.js';
import { SYNTHETIC_FEATURES, syntheticSamples } from './support/confidence-samples.js';
import { freshSchema, hasPostgres, type TestSchema } from './support/postgres.js';

const HOUR = 3_600_000;
const samples = syntheticSamples(600, 3);
const opts = { featureNames: SYNTHETIC_FEATURES, folds: 3, embargoMs: 2 * HOUR };
const older = trainConfidenceModel(samples.slice(0, 400), opts).model.json;
const newer = trainConfidenceModel(samples, opts).model.json;

interface Harness {
  open(now: () => number): Promise<ModelStore>;
  /** Sets a stored body by hand, as someone editing the database would. */
  corrupt(version: string, body: string): Promise<void>;
  close(): Promise<void>;
}

function sqlite(): Harness {
  const path = join(mkdtempSync(join(tmpdir(), 'ap-model-contract-')), 'models.db');
  const opened: SqliteModelStore[] = [];
  return {
    open: async (now) => {
      const s = new SqliteModelStore(path, now);
      opened.push(s);
      return s;
    },
    corrupt: async (version, body) => {
      const s = opened[opened.length - 1];
      s?.db.prepare('UPDATE confidence_models SET body = ? WHERE version = ?').run(body, version);
    },
    close: async () => {
      for (const s of opened) await s.close();
    },
  };
}

function postgres(): Harness {
  const schema: TestSchema = freshSchema('ap_models');
  const dbs: PostgresDatabase[] = [];
  return {
    open: async (now) => {
      const db = await PostgresDatabase.open({ url: schema.url, schema: schema.schema, poolSize: 2 });
      dbs.push(db);
      return new PostgresModelStore(db, now);
    },
    corrupt: async (version, body) => {
      await schema.admin('UPDATE confidence_models SET body = $1 WHERE version = $2', [body, version]);
    },
    close: async () => {
      for (const db of dbs) await db.close();
      await schema.drop();
    },
  };
}

const drivers: [string, () => Harness, boolean][] = [
  ['SQLite', sqlite, true],
  ['PostgreSQL', postgres, hasPostgres],
];

for (const [name, make, available] of drivers) {
  describe.skipIf(!available)(`the confidence-model registry on ${name}`, () => {
    let harness: Harness | null = null;
    afterEach(async () => {
      await harness?.close();
      harness = null;
    });

    it('saves idempotently, lists newest first, activates one at a time, survives a reopen', async () => {
      harness = make();
      let clock = 1_000;
      const store = await harness.open(() => clock++);
      expect(await store.active()).toBeNull();
      expect(await store.list()).toEqual([]);
      const a = await store.save(older);
      expect(a).toMatchObject({ version: older.version, createdAt: 1_000, active: false });
      expect(await store.save(older)).toEqual(a);
      await store.save(newer);
      expect((await store.list()).map((m) => m.version)).toEqual([newer.version, older.version]);
      expect(await store.get(older.version)).toEqual(older);
      expect(await store.get('cm-nope')).toBeNull();

      await store.activate(older.version);
      expect((await store.active())?.version).toBe(older.version);
      await store.activate(newer.version);
      expect((await store.active())?.version).toBe(newer.version);
      expect((await store.list()).filter((m) => m.active).map((m) => m.version)).toEqual([newer.version]);
      await expect(store.activate('cm-nope')).rejects.toThrow(/no confidence model cm-nope is stored/);

      const again = await harness.open(() => clock++);
      expect((await again.active())?.version).toBe(newer.version);
      expect((await again.list()).map((m) => m.createdAt)).toEqual([1_001, 1_000]);
    });

    it('refuses another body under a stored version and names a body edited by hand', async () => {
      harness = make();
      const store = await harness.open(() => 5);
      await store.save(older);
      await expect(store.save({ ...older, seed: older.seed + 1 })).rejects.toThrow(
        `a different confidence model is already stored as version ${older.version}`,
      );
      await harness.corrupt(older.version, '{"format":');
      await expect(store.get(older.version)).rejects.toThrow(
        `stored confidence model ${older.version} is not JSON`,
      );
      await harness.corrupt(older.version, JSON.stringify({ ...older, calibrator: { kind: 'magic' } }));
      await expect(store.get(older.version)).rejects.toThrow(/stored confidence model .*calibrator/);
    });
  });
}
