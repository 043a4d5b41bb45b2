import { describe, expect, it } from 'vitest';
import { SqliteAuditStore } from '../adapters/store/sqlite-audit-store.js';
import { openSqlite } from '../adapters/store/sqlite-database.js';
import { loadConfig } from '../config/load.js';
import { auditConfigAtStart, configFingerprint } from './config-audit.js';

const KEY = 'very-secret-admin-key-0123456789';

describe('configuration at start in the audit trail', () => {
  it('records a hash and a summary without secrets; the next start says whether it changed', async () => {
    const store = new SqliteAuditStore(openSqlite(':memory:'));
    const a = loadConfig({ overrides: [[['api', 'adminKeys'], [KEY]]] });
    const b = loadConfig({ overrides: [[['api', 'adminKeys'], [`${KEY}-rotated`]]] });
    expect(configFingerprint(a).hash).toBe(configFingerprint(a).hash);
    // rotating a key changes the hash; the key itself is never written
    expect(configFingerprint(b).hash).not.toBe(configFingerprint(a).hash);
    await auditConfigAtStart(store, a, 1);
    await auditConfigAtStart(store, a, 2);
    await auditConfigAtStart(store, b, 3);
    const rows = (await store.list({ action: 'config.started' }, { limit: 10 })).items;
    expect(rows.map((r) => JSON.parse(r.after ?? '{}').changed)).toEqual([true, false, null]);
    expect(JSON.parse(rows[0].before ?? '{}')).toEqual({ hash: configFingerprint(a).hash });
    expect(JSON.parse(rows[0].after ?? '{}').summary).toMatchObject({
      symbols: ['BTCUSDT', 'ETHUSDT'],
      adminKeys: 1,
    });
    for (const r of rows) expect(`${r.before}${r.after}`).not.toContain(KEY);
    expect(rows.every((r) => r.actor === 'system')).toBe(true);
    await store.close();
  });
});
