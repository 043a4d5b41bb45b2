import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { describeInputs, mergeFiles } from '../src/adapters/market/file-inputs.js';
import { confidenceModelFromText } from '../src/core/learn/model.js';
import { EngineConfig } from '../src/core/pipeline/engine-settings.js';
import type { ModelDriftEvent, PipelineEvent, SliceStateChangedEvent } from '../src/core/pipeline/events.js';
import type { BacktestReport } from '../src/core/pipeline/report-types.js';
import type { Signal } from '../src/core/signals/types.js';
import { resolveConfidenceModels } from '../src/runtime/confidence-models.js';
import { PipelineDriver } from '../src/runtime/driver.js';
import { runCli } from './support/cli.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { hasRealData, realDataPath } from './support/real-data.js';

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

// training part only: every candle read here is before 2025-07-01
describe.skipIf(!hasRealData)('the confidence model in the pipeline, on real BTCUSDT', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ap-confidence-'));
  const modelPath = join(dir, 'model.json');
  const btc1m = realDataPath('binance_BTCUSDT_1m.csv.gz');
  // busy enough to make signals on three weeks of 1m candles; no confidence floor
  const config = join(dir, 'busy.yaml');
  writeFileSync(
    config,
    stringify({ engine: { ...BUSY_ENGINE, thresholds: { ...BUSY_ENGINE.thresholds, minConfidence: 0 } } }),
  );

  it('gives each signal the calibrated probability of its features, the formula kept as score', () => {
    const trained = runCli([
      '--config',
      config,
      'train',
      '--input',
      btc1m,
      '--to',
      '2025-06-10',
      '--db',
      join(dir, 'models.db'),
      '--out',
      modelPath,
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const model = confidenceModelFromText(readFileSync(modelPath, 'utf8'), modelPath);

    const json = join(dir, 'report.json');
    const signalsOut = join(dir, 'signals.jsonl');
    const r = runCli([
      '--config',
      config,
      '--model',
      modelPath,
      'backtest',
      '--input',
      btc1m,
      '--from',
      '2025-06-10',
      '--to',
      '2025-06-30',
      '--baseline-runs',
      '0',
      '--no-store',
      '--json',
      json,
      '--signals-out',
      signalsOut,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as BacktestReport;
    expect(report.confidenceModel).toEqual({
      source: modelPath,
      version: model.version,
      fallback: null,
      drifts: [],
    });
    const signals = readFileSync(signalsOut, 'utf8')
      .trim()
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as { signal: Signal } | Signal)
      .map((x) => ('signal' in x ? x.signal : x));
    expect(signals.length).toBeGreaterThan(20);
    for (const s of signals) {
      expect(s.breakdown.model).toBe(model.version);
      expect(s.confidence).toBeCloseTo(clamp01(model.predict(s.features)), 12);
      expect(s.breakdown.score).toBeCloseTo(clamp01(s.breakdown.product), 12);
    }

    // without a model the confidence is the formula's score again
    const plain = join(dir, 'plain.jsonl');
    const none = runCli([
      '--config',
      config,
      '--model',
      'none',
      'backtest',
      '--input',
      btc1m,
      '--from',
      '2025-06-10',
      '--to',
      '2025-06-30',
      '--baseline-runs',
      '0',
      '--no-store',
      '--signals-out',
      plain,
    ]);
    expect(none.code, none.stderr).toBe(0);
    const plainLines = readFileSync(plain, 'utf8').trim().split('\n').filter(Boolean);
    expect(plainLines.length).toBeGreaterThan(20);
    for (const line of plainLines) {
      const parsed = JSON.parse(line) as { signal: Signal } | Signal;
      const s = 'signal' in parsed ? parsed.signal : parsed;
      expect(s.breakdown.model).toBeNull();
      expect(s.confidence).toBe(s.breakdown.score);
    }
  }, 120_000);

  it('refuses a model file that is missing or not a model, naming it', () => {
    const missing = runCli(['--model', join(dir, 'nope.json'), 'backtest', '--input', btc1m, '--no-store']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /engine\.confidence\.model '.*nope\.json': cannot read .*nope\.json: ENOENT/,
    );
    const notModel = runCli(['--model', btc1m, 'backtest', '--input', btc1m, '--no-store']);
    expect(notModel.code).toBe(1);
    expect(notModel.stderr).toMatch(/is not JSON/);
  });

  it('on drift raises model.drift, falls back, and puts the validated slices on probation', async () => {
    const resolved = await resolveConfidenceModels(modelPath, null);
    const model = resolved.model;
    expect(model).not.toBeNull();
    // a model trained on 1m-based 15m..4h candidates, fed 4h candidates of a 1h base in 2024:
    // the features' distribution is not the one it was trained on
    const inputs = await describeInputs([realDataPath('binance_BTCUSDT_1h.csv.gz')]);
    const engine = EngineConfig.parse({
      baseTimeframe: '1h',
      signalTimeframes: [{ timeframe: '4h' }],
      thresholds: { minStopCostMultiple: 0, minRewardRisk: 0.5 },
      publication: { states: { 'mean_reversion:4h': 'validated', 'momentum:4h': 'validated' } },
      confidence: { drift: { checkEvery: 20, minCandidates: 50 } },
    });
    const events: PipelineEvent[] = [];
    const driver = new PipelineDriver(engine, (e) => events.push(e), {
      symbols: inputs,
      confidence: { model, fallback: null },
    });
    await driver.run(mergeFiles(inputs, Date.UTC(2025, 0, 1)));

    const drifts = events.filter((e): e is ModelDriftEvent => e.type === 'model.drift');
    expect(drifts).toHaveLength(1);
    const drift = drifts[0];
    expect(drift.from).toBe(model?.version);
    expect(drift.to).toBeNull();
    expect(drift.verdict.status).toBe('drift');
    expect(drift.verdict.reasons.some((r) => /PSI \d+\.\d\d > 1$/.test(r))).toBe(true);
    const at = events.indexOf(drift);
    const probation = events
      .slice(at + 1)
      .filter((e): e is SliceStateChangedEvent => e.type === 'slice.state_changed')
      .filter((e) => e.change.reason.startsWith(`confidence model ${model?.version} drifted`));
    expect(probation.map((e) => [e.change.slice, e.change.from, e.change.to]).sort()).toEqual([
      ['mean_reversion:4h', 'validated', 'probation'],
      ['momentum:4h', 'validated', 'probation'],
    ]);
    // before the drift the model scored; after it the formula does
    const created = events.filter((e) => e.type === 'signal.created').map((e) => e.signal);
    const before = created.filter((s) => s.createdAt < drift.at);
    const after = created.filter((s) => s.createdAt > drift.at);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    for (const s of before) expect(s.breakdown.model).toBe(model?.version);
    for (const s of after) expect(s.breakdown.model).toBeNull();
    expect(driver.pipeline.confidenceModel).toBeNull();
  }, 120_000);
});
