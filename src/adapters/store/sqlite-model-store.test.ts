import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYNTHETIC_FEATURES, syntheticSamples } from '../../../test/support/confidence-samples.js';
import { trainConfidenceModel } from '../../core/learn/fit.js';
import { ConfidenceModel } from '../../core/learn/model.js';
import { MIGRATIONS, openSqlite } from './sqlite-database.js';
import { SqliteModelStore } from './sqlite-model-store.js';

const HOUR = 3_600_000;

describe('SqliteModelStore on a real SQLite file', () => {
  const samples = syntheticSamples(600, 3);
  const opts = { featureNames: SYNTHETIC_FEATURES, folds: 3, embargoMs: 2 * HOUR };
  const first = trainConfidenceModel(samples.slice(0, 400), opts).model.json;
  const second = trainConfidenceModel(samples, opts).model.json;
  const path = join(mkdtempSync(join(tmpdir(), 'ap-models-')), 'models.db');

  it('applies migration 4 "confidence models"', () => {
    expect(MIGRATIONS.map((m) => [m.version, m.name])).toContainEqual([4, 'confidence models']);
    const db = openSqlite(path);
    const row = db.prepare('SELECT name FROM schema_migrations WHERE version = 4').get() as { name: string };
    expect(row.name).toBe('confidence models');
    db.close();
  });

  it('saves, lists newest first, gets by version, activates one at a time, survives a reopen', async () => {
    let clock = 1_000;
    const store = new SqliteModelStore(path, () => clock++);
    expect(await store.active()).toBeNull();
    expect(await store.list()).toEqual([]);
    const a = await store.save(first);
    expect(a).toMatchObject({
      version: first.version,
      createdAt: 1_000,
      trainedFrom: first.trainedFrom,
      trainedTo: first.trainedTo,
      featureNames: SYNTHETIC_FEATURES,
      active: false,
    });
    expect(a.metrics).toEqual(first.metrics);
    await store.save(second);
    expect(await store.save(first)).toEqual(a); // idempotent
    expect((await store.list()).map((m) => m.version)).toEqual([second.version, first.version]);
    expect(await store.get(first.version)).toEqual(first);
    expect(await store.get('nope')).toBeNull();

    await store.activate(first.version);
    expect((await store.active())?.version).toBe(first.version);
    await store.activate(second.version);
    expect((await store.active())?.version).toBe(second.version);
    expect((await store.list()).filter((m) => m.active).map((m) => m.version)).toEqual([second.version]);
    await expect(store.activate('cm-missing')).rejects.toThrow(/no confidence model cm-missing is stored/);
    expect((await store.active())?.version).toBe(second.version);
    await store.close();

    const reopened = new SqliteModelStore(path);
    const active = await reopened.active();
    expect(active).toEqual(second);
    const probe = { a: 0.3, b: -0.2, c: 0.5 };
    expect(new ConfidenceModel(active ?? second).predict(probe)).toBe(
      new ConfidenceModel(second).predict(probe),
    );
    await reopened.close();
  });

  it('refuses another body under a stored version, and a second active row', async () => {
    const store = new SqliteModelStore(path);
    await expect(store.save({ ...first, seed: 7 })).rejects.toThrow(
      /a different confidence model is already stored/,
    );
    expect(() => store.db.prepare('UPDATE confidence_models SET active = 1').run()).toThrow(/UNIQUE/);
    await store.close();
  });

  it('names a stored body that no longer validates', async () => {
    const store = new SqliteModelStore(path);
    const broken = { ...first, calibrator: { kind: 'platt', a: 'x', b: 0 } };
    store.db
      .prepare('UPDATE confidence_models SET body = ? WHERE version = ?')
      .run(JSON.stringify(broken), first.version);
    await expect(store.get(first.version)).rejects.toThrow(
      new RegExp(`stored confidence model ${first.version} is not a valid confidence model: calibrator`),
    );
    await store.close();
  });
});
