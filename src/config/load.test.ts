import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from './load.js';

function dir(yaml?: string): string {
  const d = mkdtempSync(join(tmpdir(), 'ap-config-'));
  if (yaml !== undefined) writeFileSync(join(d, 'alphapulse.config.yaml'), yaml);
  return d;
}

describe('loadConfig', () => {
  it('gives the embedded defaults with no file and no environment', () => {
    const cwd = dir();
    const { config, file, dbPath } = loadConfig({ cwd, env: {} });
    expect(file).toBeNull();
    expect(config.dataDir).toBe('./data');
    expect(config.store.driver).toBe('sqlite');
    expect(config.log.level).toBe('info');
    expect(dbPath).toBe(resolve(cwd, 'data', 'alphapulse.db'));
  });

  it('reads alphapulse.config.yaml, then the environment, then overrides', () => {
    const cwd = dir('dataDir: ./var\nlog:\n  level: debug\n');
    expect(loadConfig({ cwd, env: {} }).dbPath).toBe(resolve(cwd, 'var', 'alphapulse.db'));
    const withEnv = loadConfig({ cwd, env: { ALPHAPULSE_DB: '/tmp/x.db', ALPHAPULSE_LOG__LEVEL: 'warn' } });
    expect(withEnv.dbPath).toBe('/tmp/x.db');
    expect(withEnv.config.log.level).toBe('warn');
    const withCli = loadConfig({
      cwd,
      env: { ALPHAPULSE_DB: '/tmp/x.db' },
      overrides: [[['store', 'path'], '/tmp/y.db']],
    });
    expect(withCli.dbPath).toBe('/tmp/y.db');
  });

  it('keeps numbers and booleans from the environment typed', () => {
    const { config } = loadConfig({
      cwd: dir(),
      env: { ALPHAPULSE_STORE__BATCH_SIZE: '100', ALPHAPULSE_LOG__PRETTY: 'true' },
    });
    expect(config.store.batchSize).toBe(100);
    expect(config.log.pretty).toBe(true);
  });

  it('names the key of an invalid value', () => {
    expect(() => loadConfig({ cwd: dir('log:\n  level: loud\n'), env: {} })).toThrow(
      /log\.level: Invalid option/,
    );
    expect(() => loadConfig({ cwd: dir('store:\n  batchSize: -3\n'), env: {} })).toThrow(/store\.batchSize/);
    expect(() => loadConfig({ cwd: dir(), env: { ALPHAPULSE_STORE__BATCH_SIZE: 'many' } })).toThrow(
      /store\.batchSize/,
    );
  });

  it('names an unknown key', () => {
    expect(() => loadConfig({ cwd: dir('store:\n  pth: x.db\n'), env: {} })).toThrow(
      /unknown key "store\.pth"/,
    );
    expect(() => loadConfig({ cwd: dir('databse: x\n'), env: {} })).toThrow(/unknown key "databse"/);
  });

  it('explains a file that is not YAML or not a mapping, and a missing explicit file', () => {
    expect(() => loadConfig({ cwd: dir('a: [1, 2\n'), env: {} })).toThrow(ConfigError);
    expect(() => loadConfig({ cwd: dir('a: [1, 2\n'), env: {} })).toThrow(/is not valid YAML/);
    expect(() => loadConfig({ cwd: dir('- 1\n- 2\n'), env: {} })).toThrow(
      /must hold a mapping of keys, not a list/,
    );
    expect(() => loadConfig({ cwd: dir(), env: {}, file: 'missing.yaml' })).toThrow(
      /missing\.yaml does not exist/,
    );
  });

  it('documents every field with its default', () => {
    const text = describeConfig();
    expect(text).toContain('dataDir = "./data"');
    expect(text).toContain('store.path = (unset)');
    expect(text).toContain('store.batchSize = 8192');
    expect(text).toContain('log.level = "info"');
  });
});
