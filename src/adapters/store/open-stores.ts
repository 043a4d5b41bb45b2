import type { LoadedConfig } from '../../config/load.js';
import type { AuditStore, CandleStore, DeliveryStore, ModelStore, SignalStore } from './ports.js';
import { describeUrl } from './store-url.js';

export { describeUrl };

/** The URL with its password replaced by ***, for printing a configuration. */
export function maskUrlPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Where the configured store keeps its data, for people: the SQLite file or the PostgreSQL URL. */
export function storeLocation(loaded: LoadedConfig): string {
  const { url, schema } = loaded.config.store;
  if (url === undefined) return loaded.dbPath;
  return `${describeUrl(url)}${schema ? ` (schema ${schema})` : ''}`;
}

/** The candle and signal stores of one database, and how to close it. */
export interface Stores {
  readonly driver: 'sqlite' | 'postgres';
  /** Where the data is, for people: the SQLite file, or the PostgreSQL URL without its password. */
  readonly where: string;
  readonly candles: CandleStore;
  readonly signals: SignalStore;
  /** The confidence-model registry; closing the stores closes it. */
  readonly models: ModelStore;
  /** Channels, subscribers, credits and the outbox. */
  readonly delivery: DeliveryStore;
  /** The hash-chained audit trail. */
  readonly audit: AuditStore;
  /** Closes the database (all its stores). */
  close(): Promise<void>;
}

export interface OpenStoresOptions {
  /** Told when a pooled PostgreSQL connection breaks while idle. */
  readonly log?: (msg: string) => void;
}

/**
 * Opens the store the configuration chooses: PostgreSQL when `store.url` (or DATABASE_URL) is
 * set, else the embedded SQLite file `dbPath`. Each brings its schema up to date on open. The
 * drivers are imported only when chosen, so the embedded default never loads `pg`.
 */
export async function openStores(loaded: LoadedConfig, opts: OpenStoresOptions = {}): Promise<Stores> {
  const store = loaded.config.store;
  if (store.url !== undefined) {
    const { PostgresDatabase } = await import('./postgres-database.js');
    const { PostgresCandleStore } = await import('./postgres-candle-store.js');
    const { PostgresSignalStore } = await import('./postgres-signal-store.js');
    const { PostgresModelStore } = await import('./postgres-model-store.js');
    const { PostgresDeliveryStore } = await import('./postgres-delivery-store.js');
    const { PostgresAuditStore } = await import('./postgres-audit-store.js');
    const db = await PostgresDatabase.open({
      url: store.url,
      schema: store.schema,
      poolSize: store.poolSize,
      onIdleError: (e) => opts.log?.(`a PostgreSQL connection broke while idle: ${e.message}`),
    });
    const candles = new PostgresCandleStore(db);
    return {
      driver: 'postgres',
      where: db.where,
      candles,
      signals: new PostgresSignalStore(candles),
      models: new PostgresModelStore(db),
      delivery: new PostgresDeliveryStore(db),
      audit: new PostgresAuditStore(db),
      close: () => db.close(),
    };
  }
  const { openSqlite } = await import('./sqlite-database.js');
  const { SqliteCandleStore } = await import('./sqlite-candle-store.js');
  const { SqliteSignalStore } = await import('./sqlite-signal-store.js');
  const { SqliteModelStore } = await import('./sqlite-model-store.js');
  const { SqliteDeliveryStore } = await import('./sqlite-delivery-store.js');
  const { SqliteAuditStore } = await import('./sqlite-audit-store.js');
  const db = openSqlite(loaded.dbPath);
  return {
    driver: 'sqlite',
    where: loaded.dbPath,
    candles: new SqliteCandleStore(db),
    signals: new SqliteSignalStore(db),
    models: new SqliteModelStore(db),
    delivery: new SqliteDeliveryStore(db),
    audit: new SqliteAuditStore(db),
    close: async () => {
      if (db.open) db.close();
    },
  };
}
