import { type ConfidenceModelJson, type ModelMetrics, parseConfidenceModel } from '../../core/learn/model.js';
import type { ModelStore, StoredModelInfo } from './ports.js';
import type { PostgresDatabase } from './postgres-database.js';
import { StoreError } from './sqlite-database.js';

interface ModelRow {
  version: string;
  created_at: string | number;
  trained_from: string | number;
  trained_to: string | number;
  feature_names: string;
  metrics: string;
  active: number;
}

const INFO_COLUMNS = 'version, created_at, trained_from, trained_to, feature_names, metrics, active';

function info(row: ModelRow): StoredModelInfo {
  return {
    version: row.version,
    // bigint columns come back as strings from pg
    createdAt: Number(row.created_at),
    trainedFrom: Number(row.trained_from),
    trainedTo: Number(row.trained_to),
    featureNames: JSON.parse(row.feature_names) as string[],
    metrics: JSON.parse(row.metrics) as ModelMetrics,
    active: row.active === 1,
  };
}

/**
 * The confidence-model registry in PostgreSQL (table `confidence_models`, migration 4): the
 * same rules as SqliteModelStore (idempotent save, one active, bodies validated when read).
 */
export class PostgresModelStore implements ModelStore {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  async save(model: ConfidenceModelJson): Promise<StoredModelInfo> {
    const body = JSON.stringify(model);
    const existing = await this.db.query<{ body: string }>(
      'SELECT body FROM confidence_models WHERE version = $1',
      [model.version],
    );
    if (existing[0]) {
      if (existing[0].body !== body)
        throw new StoreError(`a different confidence model is already stored as version ${model.version}`);
    } else {
      await this.db.query(
        `INSERT INTO confidence_models (version, created_at, trained_from, trained_to, feature_names, metrics, body, active)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 0) ON CONFLICT (version) DO NOTHING`,
        [
          model.version,
          this.now(),
          model.trainedFrom,
          model.trainedTo,
          JSON.stringify(model.featureNames),
          JSON.stringify(model.metrics),
          body,
        ],
      );
    }
    const rows = await this.db.query<ModelRow>(
      `SELECT ${INFO_COLUMNS} FROM confidence_models WHERE version = $1`,
      [model.version],
    );
    if (!rows[0]) throw new StoreError(`confidence model ${model.version} vanished while being saved`);
    return info(rows[0]);
  }

  async list(): Promise<StoredModelInfo[]> {
    const rows = await this.db.query<ModelRow>(
      `SELECT ${INFO_COLUMNS} FROM confidence_models ORDER BY created_at DESC, version DESC`,
    );
    return rows.map(info);
  }

  private async body(where: string, args: unknown[]): Promise<ConfidenceModelJson | null> {
    const rows = await this.db.query<{ version: string; body: string }>(
      `SELECT version, body FROM confidence_models WHERE ${where}`,
      args,
    );
    const row = rows[0];
    if (!row) return null;
    let json: unknown;
    try {
      json = JSON.parse(row.body);
    } catch (e) {
      throw new StoreError(`stored confidence model ${row.version} is not JSON: ${(e as Error).message}`);
    }
    return parseConfidenceModel(json, `stored confidence model ${row.version}`);
  }

  get(version: string): Promise<ConfidenceModelJson | null> {
    return this.body('version = $1', [version]);
  }

  active(): Promise<ConfidenceModelJson | null> {
    return this.body('active = 1', []);
  }

  async activate(version: string): Promise<void> {
    await this.db.transaction(async (c) => {
      const found = await c.query('SELECT 1 FROM confidence_models WHERE version = $1 FOR UPDATE', [version]);
      if (found.rowCount !== 1) throw new StoreError(`no confidence model ${version} is stored`);
      await c.query('UPDATE confidence_models SET active = 0 WHERE active = 1');
      await c.query('UPDATE confidence_models SET active = 1 WHERE version = $1', [version]);
    });
  }

  /** The database belongs to the stores opened with it: closing them closes it. */
  async close(): Promise<void> {}
}
