import { type ConfidenceModelJson, type ModelMetrics, parseConfidenceModel } from '../../core/learn/model.js';
import type { ModelStore, StoredModelInfo } from './ports.js';
import { openSqlite, type SqliteDatabase, StoreError } from './sqlite-database.js';

interface ModelRow {
  version: string;
  created_at: number;
  trained_from: number;
  trained_to: number;
  feature_names: string;
  metrics: string;
  active: number;
}

const INFO_COLUMNS = 'version, created_at, trained_from, trained_to, feature_names, metrics, active';

function info(row: ModelRow): StoredModelInfo {
  return {
    version: row.version,
    createdAt: row.created_at,
    trainedFrom: row.trained_from,
    trainedTo: row.trained_to,
    featureNames: JSON.parse(row.feature_names) as string[],
    metrics: JSON.parse(row.metrics) as ModelMetrics,
    active: row.active === 1,
  };
}

/**
 * The confidence-model registry in the SQLite database (table `confidence_models`, migration 4).
 * Bodies are validated when read, so a row edited by hand fails with the field it broke.
 * `now` gives the storing time (the adapter's clock; injectable for tests).
 */
export class SqliteModelStore implements ModelStore {
  readonly db: SqliteDatabase;
  private readonly activateTransaction: (version: string) => void;

  constructor(
    pathOrDb: string | SqliteDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.db = typeof pathOrDb === 'string' ? openSqlite(pathOrDb) : pathOrDb;
    this.activateTransaction = this.db.transaction((version: string) => {
      const found = this.db.prepare('SELECT 1 FROM confidence_models WHERE version = ?').get(version);
      if (!found) throw new StoreError(`no confidence model ${version} is stored`);
      this.db.prepare('UPDATE confidence_models SET active = 0 WHERE active = 1').run();
      this.db.prepare('UPDATE confidence_models SET active = 1 WHERE version = ?').run(version);
    });
  }

  async save(model: ConfidenceModelJson): Promise<StoredModelInfo> {
    const body = JSON.stringify(model);
    const existing = this.db
      .prepare('SELECT body FROM confidence_models WHERE version = ?')
      .get(model.version) as { body: string } | undefined;
    if (existing) {
      if (existing.body !== body)
        throw new StoreError(`a different confidence model is already stored as version ${model.version}`);
    } else {
      this.db
        .prepare(
          'INSERT INTO confidence_models (version, created_at, trained_from, trained_to, feature_names, metrics, body, active) VALUES (?, ?, ?, ?, ?, ?, ?, 0)',
        )
        .run(
          model.version,
          this.now(),
          model.trainedFrom,
          model.trainedTo,
          JSON.stringify(model.featureNames),
          JSON.stringify(model.metrics),
          body,
        );
    }
    return info(
      this.db
        .prepare(`SELECT ${INFO_COLUMNS} FROM confidence_models WHERE version = ?`)
        .get(model.version) as ModelRow,
    );
  }

  async list(): Promise<StoredModelInfo[]> {
    const rows = this.db
      .prepare(`SELECT ${INFO_COLUMNS} FROM confidence_models ORDER BY created_at DESC, version DESC`)
      .all() as ModelRow[];
    return rows.map(info);
  }

  private body(where: string, arg?: string): ConfidenceModelJson | null {
    const stmt = this.db.prepare(`SELECT version, body FROM confidence_models WHERE ${where}`);
    const row = (arg === undefined ? stmt.get() : stmt.get(arg)) as
      | { version: string; body: string }
      | undefined;
    if (!row) return null;
    let json: unknown;
    try {
      json = JSON.parse(row.body);
    } catch (e) {
      throw new StoreError(`stored confidence model ${row.version} is not JSON: ${(e as Error).message}`);
    }
    return parseConfidenceModel(json, `stored confidence model ${row.version}`);
  }

  async get(version: string): Promise<ConfidenceModelJson | null> {
    return this.body('version = ?', version);
  }

  async active(): Promise<ConfidenceModelJson | null> {
    return this.body('active = 1');
  }

  async activate(version: string): Promise<void> {
    this.activateTransaction(version);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
