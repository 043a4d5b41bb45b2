import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteSignalStore } from '../src/adapters/store/sqlite-signal-store.js';
import type { BacktestReport, SignalWithOutcome } from '../src/core/metrics/report-types.js';
import { runCli } from './support/cli.js';
import { writeBusyConfig } from './support/engine-fixtures.js';
import { hasRealData, realDataPath } from './support/real-data.js';

/** Every field the report documents (src/core/metrics/report-types.ts). */
const REPORT_FIELDS = [
  'version',
  'config',
  'data',
  'range',
  'costs',
  'sizing',
  'counts',
  'policy',
  'overall',
  'groups',
  'calibration',
  'ambiguity',
  'filtered',
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
    expect(first.r.stdout).toMatch(
      /^backtest: BTCUSDT 130,708 candles, ETHUSDT 130,708 candles; \d+ signals, \d+ trades/,
    );
    expect(first.r.stdout).toMatch(/\noverall +\d+ /);
    expect(first.r.stdout).toMatch(/saved as backtest run 1 in /);
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
    const r2 = runCli(['backtest', '--input', join(dir, 'missing_BTCUSDT_1m.csv'), '--no-store']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/missing_BTCUSDT_1m\.csv/);
  });
});
