import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openStores } from '../adapters/store/open-stores.js';
import type { ModelStore } from '../adapters/store/ports.js';
import type { LoadedConfig } from '../config/load.js';
import { FEATURE_NAMES } from '../core/learn/features.js';
import { ConfidenceModel, confidenceModelFromText, parseConfidenceModel } from '../core/learn/model.js';
import type { ConfidenceModelUsed, ModelDriftRecord } from '../core/pipeline/report-types.js';

/**
 * Which confidence model the pipeline uses, from `engine.confidence.model` (see the schema):
 * resolved at the edge, once at start, so the core only ever sees a predictor.
 */

/** The model shipped with the code: trained on the training part of the data (docs/RESULTS.md). */
export const SHIPPED_MODEL_PATH = fileURLToPath(new URL('../../models/confidence.json', import.meta.url));

export interface ResolvedModels {
  /** Gives the confidence; null: the formula's score. */
  readonly model: ConfidenceModel | null;
  /** What a drift falls back to; null: the formula's score. */
  readonly fallback: ConfidenceModel | null;
  /** Where the model came from, for the log and the report. */
  readonly source: string;
}

export class ModelSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelSettingError';
  }
}

const KNOWN = new Set<string>(FEATURE_NAMES);

/** Refuses a model that reads a feature the pipeline does not compute (a newer model, older code). */
function usable(model: ConfidenceModel, where: string): ConfidenceModel {
  const unknown = model.featureNames.filter((f) => !KNOWN.has(f));
  if (unknown.length > 0) {
    throw new ModelSettingError(
      `${where}: model ${model.version} reads features this version does not compute: ${unknown.join(', ')}`,
    );
  }
  return model;
}

function fromFile(path: string, what: string): ConfidenceModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ModelSettingError(
      `${what}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return usable(confidenceModelFromText(text, path), what);
}

/** The store's active model and, as its fallback, the newest one stored before it. */
async function fromStore(store: ModelStore): Promise<ResolvedModels | null> {
  const active = await store.active();
  if (!active) return null;
  const model = usable(
    new ConfidenceModel(parseConfidenceModel(active, `stored model ${active.version}`)),
    'store',
  );
  const list = await store.list();
  const at = list.findIndex((m) => m.version === active.version);
  let fallback: ConfidenceModel | null = null;
  for (const info of list.slice(at + 1)) {
    const json = await store.get(info.version);
    if (json?.featureNames.every((f) => KNOWN.has(f))) {
      fallback = new ConfidenceModel(json);
      break;
    }
  }
  return { model, fallback, source: `store (active ${model.version})` };
}

/**
 * Resolves the setting: 'none', 'shipped', 'active', 'auto' or a model file's path (relative to
 * `baseDir`). `store` is null when the command runs without one (e.g. backtest --no-store).
 */
export async function resolveConfidenceModels(
  setting: string,
  store: ModelStore | null,
  shippedPath: string = SHIPPED_MODEL_PATH,
): Promise<ResolvedModels> {
  const what = `engine.confidence.model '${setting}'`;
  switch (setting) {
    case 'none':
      return { model: null, fallback: null, source: "none (the formula's score)" };
    case 'shipped':
      return { model: fromFile(shippedPath, what), fallback: null, source: 'shipped' };
    case 'active': {
      if (!store) throw new ModelSettingError(`${what} needs the store, and this command runs without one`);
      const found = await fromStore(store);
      if (!found)
        throw new ModelSettingError(`${what}: the store has no active model (alphapulse train --activate)`);
      return found;
    }
    case 'auto': {
      const found = store ? await fromStore(store) : null;
      if (found) return found;
      if (existsSync(shippedPath))
        return { model: fromFile(shippedPath, what), fallback: null, source: 'shipped' };
      return {
        model: null,
        fallback: null,
        source: "none (no model stored or shipped: the formula's score)",
      };
    }
    default:
      return { model: fromFile(setting, what), fallback: null, source: setting };
  }
}

/** What a report says of the model a run used. */
export function modelSummary(
  resolved: ResolvedModels | undefined,
  drifts: readonly ModelDriftRecord[] = [],
): ConfidenceModelUsed {
  return {
    source: resolved?.source ?? "none (the formula's score)",
    version: resolved?.model?.version ?? null,
    fallback: resolved?.fallback?.version ?? null,
    drifts,
  };
}

/**
 * Resolves the setting against the configured store (SQLite file or PostgreSQL), opened only for
 * the lookup; `useStore` false resolves without one (e.g. backtest --no-store). A SQLite file that
 * does not exist is not created: it has no model.
 */
export async function resolveConfidenceModelsFor(
  loaded: LoadedConfig,
  setting: string,
  useStore = true,
): Promise<ResolvedModels> {
  const sqliteMissing = loaded.config.store.url === undefined && !existsSync(loaded.dbPath);
  if (setting === 'none' || setting === 'shipped' || !useStore || sqliteMissing) {
    if (setting === 'active' && useStore && sqliteMissing) {
      throw new ModelSettingError(`engine.confidence.model 'active': no database at ${loaded.dbPath}`);
    }
    return resolveConfidenceModels(setting, null);
  }
  const stores = await openStores(loaded);
  try {
    return await resolveConfidenceModels(setting, stores.models);
  } finally {
    await stores.close();
  }
}
