import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig, loadConfigWithStrategies } from './load.js';

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

describe('engine configuration', () => {
  it('has documented defaults: 15m/1h/4h signals with 5m/15m/1h entries, no confidence floor, reward:risk 2, the optimised slices all disabled', () => {
    const { config } = loadConfig({ cwd: dir(), env: {} });
    expect(config.engine.signalTimeframes.map((s) => [s.timeframe, s.entry])).toEqual([
      ['15m', '5m'],
      ['1h', '15m'],
      ['4h', '1h'],
    ]);
    expect(config.engine.thresholds.minConfidence).toBe(0);
    expect(config.engine.thresholds.minRewardRisk).toBe(2);
    expect(describeConfig()).toContain('engine.thresholds.minConfidence = 0');
    // what optimize chose on the training part (src/core/learn/optimized-defaults.ts): no slice validated
    expect(Object.keys(config.engine.slices)).toHaveLength(10);
    expect(config.engine.slices['mean_reversion:4h']).toEqual({
      params: { rsiOversold: 20, rsiOverbought: 80, maxAdx: 18 },
      stopAtr: 2,
      exit: { style: 'time', trailAtr: 3 },
    });
    expect(new Set(Object.values(config.engine.publication.states))).toEqual(new Set(['disabled']));
    expect(config.engine.confidence.model).toBe('auto');
  });

  it('names an unknown strategy', () => {
    const yaml = 'engine:\n  strategies:\n    grid_trading:\n      enabled: true\n';
    expect(() => loadConfig({ cwd: dir(yaml), env: {} })).toThrow(
      /unknown key "engine\.strategies\.grid_trading"/,
    );
  });

  it('names a negative multiplier', () => {
    expect(() => loadConfig({ cwd: dir('engine:\n  risk:\n    stopAtr: -1\n'), env: {} })).toThrow(
      /engine\.risk\.stopAtr/,
    );
    expect(() => loadConfig({ cwd: dir('engine:\n  risk:\n    targets: [1, -2, 3]\n'), env: {} })).toThrow(
      /engine\.risk\.targets\.1/,
    );
  });

  it('names an entry timeframe that is not finer than its signal timeframe', () => {
    const yaml = 'engine:\n  signalTimeframes:\n    - timeframe: 1h\n      entry: 4h\n';
    expect(() => loadConfig({ cwd: dir(yaml), env: {} })).toThrow(
      /engine\.signalTimeframes\.0\.entry: entry timeframe 4h must be finer than the signal timeframe 1h/,
    );
  });

  it('names ensemble weights that do not add up to 1 and targets that do not increase', () => {
    expect(() => loadConfig({ cwd: dir('engine:\n  ensemble:\n    technical: 0.9\n'), env: {} })).toThrow(
      /engine\.ensemble: ensemble weights must add up to 1/,
    );
    expect(() => loadConfig({ cwd: dir('engine:\n  risk:\n    targets: [3, 2, 4]\n'), env: {} })).toThrow(
      /engine\.risk\.targets: targets must increase/,
    );
  });
});

describe('loadConfigWithStrategies', () => {
  const strategy = `export default { name: 'from_config', description: 'd', kind: 'trend', regime: 'trending', needs: ['close'], warmup: 1, timeframes: 'all', params: { depth: { type: 'int', default: 3, min: 1, description: 'how deep' } }, create: () => ({ evaluate: () => null }) };`;

  it('loads the files of strategyPaths (config file or environment) and validates their sections', async () => {
    const cwd = dir('strategyPaths: [./my.mjs]\nengine:\n  strategies:\n    from_config: { depth: 5 }\n');
    writeFileSync(join(cwd, 'my.mjs'), strategy);
    const loaded = await loadConfigWithStrategies({ cwd, env: {} });
    expect(loaded.registry.names).toContain('from_config');
    expect(loaded.config.engine.strategies.from_config).toEqual({ enabled: true, depth: 5 });
    const viaEnv = await loadConfigWithStrategies({
      cwd: dir(),
      env: { ALPHAPULSE_STRATEGY_PATHS: join(cwd, 'my.mjs') },
    });
    expect(viaEnv.registry.names).toContain('from_config');
    await expect(
      loadConfigWithStrategies({
        cwd,
        env: {},
        overrides: [[['engine', 'strategies', 'from_config', 'depth'], 0]],
      }),
    ).rejects.toThrow(/engine\.strategies\.from_config\.depth/);
  });

  it('names a strategy file that is missing', async () => {
    const cwd = dir('strategyPaths: [./nope.ts]\n');
    await expect(loadConfigWithStrategies({ cwd, env: {} })).rejects.toThrow(/nope\.ts does not exist/);
  });
});
