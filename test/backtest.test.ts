import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import type { BacktestReport, SignalWithOutcome } from '../src/core/pipeline/report-types.js';
import { runCli } from './support/cli.js';
import { writeBusyConfig } from './support/engine-fixtures.js';
import { hasRealData, realDataPath } from './support/real-data.js';

/** Every field the report documents (src/core/pipeline/report-types.ts). */
const REPORT_FIELDS = [
  'version',
  'config',
  'data',
  'range',
  'costs',
  'sizing',
  'confidenceModel',
  'counts',
  'policy',
  'overall',
  'groups',
  'calibration',
  'ambiguity',
  'filtered',
  'entries',
  'precision',
  'equity',
  'walkForward',
  'baseline',
];
const PERFORMANCE_FIELDS = [
  'trades',
  'winRate',
  'grossWinRate',
  'profitFactor',
  'expectancyR',
  'grossExpectancyR',
  'costR',
  'expectancyPct',
  'averageWinPct',
  'averageLossPct',
  'payoffRatio',
  'bestTrade',
  'worstTrade',
  'sharpe',
  'sortino',
  'maxDrawdown',
  'calmar',
  'sqn',
  'longestWinStreak',
  'longestLossStreak',
  'averageHoldingMs',
  'medianHoldingMs',
];

describe.skipIf(!hasRealData)('alphapulse backtest on 13 weeks of BTCUSDT and ETHUSDT 1m', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ap-backtest-'));
  const db = join(dir, 'store.db');
  const inputs = [
    '--config',
    writeBusyConfig(dir),
    '--input',
    realDataPath('binance_BTCUSDT_1m.csv.gz'),
    '--input',
    realDataPath('binance_ETHUSDT_1m.csv.gz'),
  ];
  const run = (tag: string) => {
    const json = join(dir, `${tag}.json`);
    const signals = join(dir, `${tag}.jsonl`);
    const r = runCli([
      'backtest',
      ...inputs,
      '--json',
      json,
      '--signals-out',
      signals,
      '--walk-forward',
      '3',
      '--db',
      db,
    ]);
    return { r, json, signals };
  };
  const first = hasRealData ? run('a') : null;

  it('completes and prints the summary table', () => {
    if (!first) return;
    expect(first.r.stderr).toBe('');
    expect(first.r.code).toBe(0);
    const out = first.r.stdout;
    expect(out).toMatch(/^backtest: BTCUSDT 130,708 candles, ETHUSDT 130,708 candles \(2025-05-20 \.\. /);
    expect(out).toMatch(/\d+ signals, \d+ trades/);
    expect(out).toMatch(/\noverall +\d+ /);
    expect(out).toMatch(/saved as backtest run 1 in /);
    for (const line of out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('says the figures are after costs, with gross beside, and where they stand against random entries', () => {
    if (!first) return;
    const out = first.r.stdout;
    const report = JSON.parse(readFileSync(first.json, 'utf8')) as BacktestReport;
    expect(out).toContain(
      'AFTER COSTS: every figure is net of fees 0.1% + slippage 0.02% per side (0.24% round trip)',
    );
    expect(out).toMatch(/Sizing: each trade risks 1% of equity at its stop, open risk capped at 10%/);
    expect(out).toMatch(
      /expectancy +[+-]\d\.\d\d R net \[[+-]\d\.\d\d, [+-]\d\.\d\d\]; gross [+-]\d\.\d\d R/,
    );
    expect(out).toMatch(/costs +\d\.\d\d R per trade/);
    expect(out).toMatch(/win rate +\d+\.\d% net \[.*\]; gross \d+\.\d%/);
    const percentile = report.baseline.random?.overall.percentile ?? -1;
    expect(percentile).toBeGreaterThanOrEqual(0);
    expect(out).toContain(`${Math.floor(percentile)}th percentile of 200 runs (seed 42)`);
    // every slice has its row with the random band, percentile and verdict
    for (const slice of Object.keys(report.groups.slice)) {
      expect(out).toMatch(new RegExp(`\\n${slice} +\\d+ .* (BEATS|inside|WORSE)\\*?\\n`));
    }
    expect(out).toMatch(/buy-and-hold +BTCUSDT [+-]\d+\.\d\d%, ETHUSDT [+-]\d+\.\d\d%; pooled/);
    expect(out).toMatch(/\n0\.9-1\.0 +\d+ /);
    expect(out).toMatch(/Brier score 0\.\d{3}/);
  });

  it('takes the baseline runs, the seed and the sizing from the command line', () => {
    if (!first) return;
    const json = join(dir, 'options.json');
    const r = runCli([
      'backtest',
      ...inputs,
      '--baseline-runs',
      '20',
      '--seed',
      '7',
      '--risk-per-trade',
      '0.02',
      '--max-open-risk',
      '0.05',
      '--json',
      json,
      '--no-store',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as BacktestReport;
    expect(report.baseline.random?.runs).toBe(20);
    expect(report.baseline.random?.seed).toBe(7);
    expect(report.sizing).toEqual({ riskPerTrade: 0.02, maxOpenRisk: 0.05 });
    expect(report.overall.riskPerTrade).toBe(0.02);
    expect(r.stdout).toMatch(/Sizing: each trade risks 2% of equity at its stop, open risk capped at 5%/);
    expect(r.stdout).toMatch(/percentile of 20 runs \(seed 7\)/);

    const skipped = runCli([
      'backtest',
      ...inputs,
      '--baseline-runs',
      '0',
      '--to',
      '2025-06-01',
      '--no-store',
    ]);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain('random entries  skipped (--baseline-runs 0)');
    // buy-and-hold does not depend on the random runs
    expect(skipped.stdout).toMatch(/buy-and-hold.*BTCUSDT/is);
  });

  it('writes a report with every documented field', () => {
    if (!first) return;
    const report = JSON.parse(readFileSync(first.json, 'utf8')) as BacktestReport;
    expect(Object.keys(report)).toEqual(REPORT_FIELDS);
    for (const f of PERFORMANCE_FIELDS) expect(report.overall, f).toHaveProperty(f);
    expect(report.overall.winRate).toHaveProperty('n');
    expect(report.overall.winRate).toHaveProperty('reliable');
    expect(report.overall.winRate.ci95).toHaveLength(2);
    expect(Object.keys(report.groups).sort()).toEqual([
      'direction',
      'entryType',
      'priority',
      'slice',
      'strategy',
      'symbol',
      'timeframe',
    ]);
    expect(report.calibration.buckets.map((b) => b.lower)).toEqual([
      0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9,
    ]);
    expect(report.calibration.brier.n).toBe(report.counts.trades);
    expect(report.baseline.random?.runs).toBe(200);
    expect(report.baseline.random?.overall.percentile).toBeGreaterThanOrEqual(0);
    expect(Object.keys(report.baseline.buyAndHold.bySymbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(report.ambiguity).toHaveProperty('pessimistic');
    expect(report.ambiguity).toHaveProperty('optimistic');
    expect(report.walkForward).toHaveLength(3);
    expect(report.data.map((d) => [d.symbol, d.candles])).toEqual([
      ['BTCUSDT', 130_708],
      ['ETHUSDT', 130_708],
    ]);
    expect(report.counts.signals).toBeGreaterThan(20);
    expect(report.counts.trades).toBe(report.overall.trades);
  });

  it('gives every signal an outcome unless it was still live when the data ended', () => {
    if (!first) return;
    const report = JSON.parse(readFileSync(first.json, 'utf8')) as BacktestReport;
    const lines = readFileSync(first.signals, 'utf8').trim().split('\n');
    const rows = lines.map((l) => JSON.parse(l) as SignalWithOutcome);
    expect(rows).toHaveLength(report.counts.signals);
    const open = rows.filter((r) => r.outcome === null);
    expect(open).toHaveLength(report.counts.openAtEnd);
    for (const r of open) expect(['PENDING', 'ACTIVE']).toContain(r.signal.status);
    for (const r of rows) if (r.outcome) expect(r.outcome.signalId).toBe(r.signal.id);
  });

  it('is reproducible: a second run gives an identical report, stored once', async () => {
    if (!first) return;
    const second = run('b');
    expect(second.r.code).toBe(0);
    expect(readFileSync(second.json, 'utf8')).toBe(readFileSync(first.json, 'utf8'));
    expect(readFileSync(second.signals, 'utf8')).toBe(readFileSync(first.signals, 'utf8'));
    const store = new SqliteSignalStore(db);
    try {
      expect(await store.listBacktests()).toHaveLength(1);
      const saved = await store.getBacktest(1);
      expect(saved?.report.counts).toEqual(
        (JSON.parse(readFileSync(first.json, 'utf8')) as BacktestReport).counts,
      );
      expect(await store.backtestSignals(1)).toHaveLength(saved?.report.counts.signals ?? -1);
    } finally {
      await store.close();
    }
  });

  it('refuses bad options with a clear message', () => {
    const r = runCli(['backtest', ...inputs, '--walk-forward', 'zero', '--no-store']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--walk-forward "zero" must be a whole number/);
    for (const [option, value, message] of [
      ['--baseline-runs', '-1', /--baseline-runs "-1" must be a whole number of runs from 0 to 10,000/],
      ['--baseline-runs', 'many', /--baseline-runs "many" must be a whole number/],
      ['--seed', '1.5', /--seed "1.5" must be a whole number/],
      ['--risk-per-trade', '2', /--risk-per-trade "2" must be a fraction of equity above 0 and at most 1/],
      ['--risk-per-trade', '0', /--risk-per-trade "0" must be a fraction/],
      ['--max-open-risk', 'abc', /--max-open-risk "abc" must be a fraction of equity/],
    ] as const) {
      const bad = runCli(['backtest', ...inputs, option, value, '--no-store']);
      expect(bad.code, `${option} ${value}`).toBe(1);
      expect(bad.stderr.trim().split('\n'), `${option} ${value}`).toHaveLength(1);
      expect(bad.stderr).toMatch(message);
    }
    const r2 = runCli(['backtest', '--input', join(dir, 'missing_BTCUSDT_1m.csv'), '--no-store']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/missing_BTCUSDT_1m\.csv/);
  });
});
