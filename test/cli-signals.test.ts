import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { writeBusyConfig } from './support/engine-fixtures.js';
import { hasRealData, realDataPath } from './support/real-data.js';

describe.skipIf(!hasRealData)('alphapulse signals on real BTCUSDT and ETHUSDT 1m', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ap-signals-'));
  const busy = writeBusyConfig(dir);
  const inputs = [
    '--config',
    busy,
    '--input',
    realDataPath('binance_BTCUSDT_1m.csv.gz'),
    '--input',
    realDataPath('binance_ETHUSDT_1m.csv.gz'),
  ];

  it('writes every created signal in creation order, and the rejected candidates, identically on a rerun', () => {
    const a = join(dir, 'a.jsonl');
    const r = runCli(['signals', ...inputs, '--out', a, '--rejected-out', join(dir, 'a-rejected.jsonl')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/read 261,416 candles of BTCUSDT, ETHUSDT; wrote \d+ signals/);
    const lines = readFileSync(a, 'utf8').trim().split('\n');
    const signals = lines.map((l) => JSON.parse(l) as { id: string; createdAt: number; symbol: string });
    expect(signals.length).toBeGreaterThan(20);
    expect(new Set(signals.map((s) => s.symbol))).toEqual(new Set(['BTCUSDT', 'ETHUSDT']));
    for (let i = 1; i < signals.length; i++)
      expect(signals[i].createdAt).toBeGreaterThanOrEqual(signals[i - 1].createdAt);
    const rejected = readFileSync(join(dir, 'a-rejected.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejected.length).toBeGreaterThan(0);
    for (const x of rejected.slice(0, 50))
      expect(x.reason).toMatch(
        /^(low_confidence|low_health|low_reward_risk|cost_dominated|invalid_risk|duplicate|cooldown)$/,
      );

    const b = join(dir, 'b.jsonl');
    expect(runCli(['signals', ...inputs, '--out', b]).code).toBe(0);
    expect(readFileSync(b)).toEqual(readFileSync(a));
  });

  it('limits the report to --from/--to', () => {
    const out = join(dir, 'range.jsonl');
    const r = runCli(['signals', ...inputs, '--from', '2025-07-01', '--to', '2025-07-15', '--out', out]);
    expect(r.code).toBe(0);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { createdAt: number });
    for (const s of rows) {
      expect(s.createdAt).toBeGreaterThanOrEqual(Date.UTC(2025, 6, 1));
      expect(s.createdAt).toBeLessThanOrEqual(Date.UTC(2025, 6, 15));
    }
  });

  it('refuses a bad config, naming the key, and writes nothing', () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'engine:\n  signalTimeframes:\n    - timeframe: 1h\n      entry: 1h\n');
    const out = join(dir, 'never.jsonl');
    const r = runCli(['--config', cfg, 'signals', ...inputs.slice(2), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/engine\.signalTimeframes\.0\.entry/);
    expect(existsSync(out)).toBe(false);
  });

  it('takes the base timeframe from the files when the config does not name one: 1h files give 4h and 1d signals', () => {
    const out = join(dir, 'eth-1h.jsonl');
    const rejected = join(dir, 'eth-1h-rejected.jsonl');
    const r = runCli([
      'signals',
      '--input',
      realDataPath('binance_ETHUSDT_1h.csv'),
      '--out',
      out,
      '--rejected-out',
      rejected,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const timeframes = new Set(
      [...readFileSync(out, 'utf8').split('\n'), ...readFileSync(rejected, 'utf8').split('\n')]
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { timeframe: string }).timeframe),
    );
    expect([...timeframes].sort()).toEqual(['1d', '4h']);
  });

  it('refuses input whose timeframe is not the base timeframe the config names', () => {
    const cfg = join(dir, 'base-1m.yaml');
    writeFileSync(cfg, 'engine:\n  baseTimeframe: 1m\n');
    const r = runCli([
      '--config',
      cfg,
      'signals',
      '--input',
      realDataPath('binance_ETHUSDT_1h.csv'),
      '--out',
      join(dir, 'x.jsonl'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/holds 1h candles but the engine's base timeframe is 1m/);
  });
});
