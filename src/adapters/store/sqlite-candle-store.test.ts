import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteCandleStore } from './sqlite-candle-store.js';
import { openSqlite } from './sqlite-database.js';

const stores: SqliteCandleStore[] = [];
function tempStore(): { store: SqliteCandleStore; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'ap-store-')), 'db', 'alphapulse.db');
  const store = new SqliteCandleStore(path);
  stores.push(store);
  return { store, path };
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** What only SQLite has; everything the ports promise is in test/store-contract.test.ts, run on every driver. */
describe('SqliteCandleStore', () => {
  it('creates the database in WAL mode with its folder', () => {
    const { store } = tempStore();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('refuses a file that is not a database, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ap-store-'));
    const path = join(dir, 'notdb.db');
    writeFileSync(path, 'this is not sqlite, just some text that is long enough to be read as a header');
    expect(() => openSqlite(path)).toThrow(/notdb\.db/);
  });
});
