import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/support/cli.js';
import { freshSchema, hasPostgres, POSTGRES_URL, type TestSchema } from '../../../test/support/postgres.js';
import { loadConfig } from '../../config/load.js';
import { maskUrlPassword, openStores, storeLocation } from './open-stores.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';

const cwd = () => mkdtempSync(join(tmpdir(), 'ap-open-'));
const schemas: TestSchema[] = [];
afterEach(async () => {
  for (const t of schemas.splice(0)) await t.drop();
});

describe('choosing the store', () => {
  it('is SQLite by default, in the data folder, and needs no service', async () => {
    const dir = cwd();
    const loaded = loadConfig({ cwd: dir, env: {} });
    expect(loaded.config.store.driver).toBe('sqlite');
    const stores = await openStores(loaded);
    expect(stores.driver).toBe('sqlite');
    expect(stores.where).toBe(join(dir, 'data', 'alphapulse.db'));
    expect(await stores.signals.ping()).toBe('SQLite answers');
    await stores.close();
  });

  it('is PostgreSQL when DATABASE_URL is set; ALPHAPULSE_STORE__URL wins over it', () => {
    const a = loadConfig({ cwd: cwd(), env: { DATABASE_URL: 'postgres://u:pw@db:5432/a' } });
    expect(a.config.store).toMatchObject({ driver: 'postgres', url: 'postgres://u:pw@db:5432/a' });
    expect(storeLocation(a)).toBe('postgres://u@db:5432/a');
    const b = loadConfig({
      cwd: cwd(),
      env: { DATABASE_URL: 'postgres://u@db/a', ALPHAPULSE_STORE__URL: 'postgresql://v@other/b' },
    });
    expect(b.config.store.url).toBe('postgresql://v@other/b');
  });

  it('refuses the postgres driver without a URL, and a URL that is not PostgreSQL, naming the key', () => {
    expect(() => loadConfig({ cwd: cwd(), env: { ALPHAPULSE_STORE__DRIVER: 'postgres' } })).toThrow(
      /store\.url: the postgres driver needs store\.url/,
    );
    expect(() => loadConfig({ cwd: cwd(), env: { DATABASE_URL: 'mysql://x@y/z' } })).toThrow(/store\.url/);
  });

  it('masks the password when a URL is printed', () => {
    expect(maskUrlPassword('postgres://alpha:s3cret@db:5432/ap')).toBe('postgres://alpha:***@db:5432/ap');
    expect(maskUrlPassword('postgres://alpha@db/ap')).toBe('postgres://alpha@db/ap');
  });

  it.skipIf(!hasPostgres)('opens PostgreSQL in the configured schema, migrated', async () => {
    const t = freshSchema('ap_open');
    schemas.push(t);
    const loaded = loadConfig({
      cwd: cwd(),
      env: { DATABASE_URL: POSTGRES_URL, ALPHAPULSE_STORE__SCHEMA: t.schema },
    });
    const stores = await openStores(loaded);
    expect(stores.driver).toBe('postgres');
    expect(stores.where).toContain(`(schema ${t.schema})`);
    expect(await stores.signals.ping()).toMatch(/^PostgreSQL answers/);
    expect(await stores.signals.countSignals()).toBe(0);
    // delivery and the audit trail are there on PostgreSQL too
    expect(await stores.delivery.listChannels()).toEqual([]);
    const row = await stores.audit.append({
      at: 1,
      actor: 'system',
      action: 'config.started',
      target: 'config',
    });
    await stores.close();
    // `audit verify` reads the configured store
    const verified = runCli(['audit', 'verify'], {
      cwd: cwd(),
      env: { DATABASE_URL: POSTGRES_URL, ALPHAPULSE_STORE__SCHEMA: t.schema },
    });
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`holds: 1 rows, chain intact, head ${row.hash}`);
    const versions = (await t.admin('SELECT version FROM schema_migrations ORDER BY 1')).rows;
    expect(versions).toEqual(POSTGRES_MIGRATIONS.map((m) => ({ version: m.version })));
  });
});
