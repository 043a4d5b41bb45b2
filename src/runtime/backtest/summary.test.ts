import { describe, expect, it } from 'vitest';
import { calibration, computePerformance, equityCurve, groupPerformance } from '../../core/metrics/index.js';
import type { GroupKey, Performance, TradeRecord } from '../../core/metrics/types.js';
import { EngineConfig } from '../../core/pipeline/engine-settings.js';
import type { BacktestReport, BaselineComparison } from '../../core/pipeline/report-types.js';
import { summaryOf } from './html/metric-cells.js';
import {
  formatSummary,
  interval,
  percent,
  settingPercent,
  signed,
  signedPercent,
  span,
  table,
  WIDTH,
  wrap,
} from './summary.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 4, 20);

describe('summary formatting helpers', () => {
  it('writes signed R without a negative zero', () => {
    expect(signed(0.0512)).toBe('+0.05');
    expect(signed(-0.3194)).toBe('-0.32');
    expect(signed(-0.001)).toBe('0.00');
    expect(signed(0.001)).toBe('0.00');
    expect(signed(0)).toBe('0.00');
    expect(signed(null)).toBe('-');
    expect(signed(Number.NaN)).toBe('-');
    expect(signed(1.23456, 3)).toBe('+1.235');
  });

  it('writes percentages', () => {
    expect(percent(0.4925)).toBe('49.3%');
    expect(percent(-0.0001)).toBe('0.0%');
    expect(percent(null)).toBe('-');
    expect(signedPercent(0.10014)).toBe('+10.01%');
    expect(signedPercent(-0.4821)).toBe('-48.21%');
  });

  it('writes settings as short exact percentages', () => {
    expect(settingPercent(0.001)).toBe('0.1%');
    expect(settingPercent(0.0002)).toBe('0.02%');
    expect(settingPercent(0.0024000000000000002)).toBe('0.24%');
    expect(settingPercent(0.01)).toBe('1%');
    expect(settingPercent(0.1)).toBe('10%');
    expect(settingPercent(0.000005)).toBe('0.0005%');
    expect(settingPercent(0)).toBe('0%');
  });

  it('writes a date span, the year again only when it changes', () => {
    expect(span(Date.UTC(2025, 4, 20), Date.UTC(2025, 5, 19, 12))).toBe('2025-05-20..06-19');
    expect(span(Date.UTC(2024, 11, 20), Date.UTC(2025, 0, 9))).toBe('2024-12-20..2025-01-09');
  });

  it('writes intervals in brackets', () => {
    expect(interval([-0.4656, -0.1786])).toBe('[-0.47, -0.18]');
    expect(interval([0.42, 0.56], (x) => percent(x))).toBe('[42.0%, 56.0%]');
    expect(interval(null)).toBe('');
  });

  it('wraps words under a width with a hanging indent', () => {
    const lines = wrap('aaa bbb ccc ddd eee', 9, '  ');
    expect(lines).toEqual(['aaa bbb', '  ccc ddd', '  eee']);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(9);
    // a word longer than the width stands on its own line rather than being cut
    expect(wrap('x abcdefghijkl y', 5, '')).toEqual(['x', 'abcdefghijkl', 'y']);
    expect(wrap('', 10)).toEqual([]);
  });

  it('pads a table: first column left, the rest right', () => {
    expect(
      table(
        ['name', 'n'],
        [
          ['a', '10'],
          ['long', '2'],
        ],
      ),
    ).toBe(['name   n', '----  --', 'a     10', 'long   2'].join('\n'));
  });
});

// ---------------------------------------------------------------------------------------------
// A small report: two slices, one clearly above its random runs and one below.

function trade(i: number, slice: string, grossR: number): TradeRecord {
  const [strategy, timeframe] = slice.split(':');
  const netR = grossR - 0.2;
  return {
    id: `t${i}`,
    strategy,
    symbol: i % 2 === 0 ? 'BTCUSDT' : 'ETHUSDT',
    timeframe,
    slice,
    direction: i % 3 === 0 ? 'SELL' : 'BUY',
    priority: 'MEDIUM',
    entryType: 'MARKET_ENTRY',
    confidence: 0.6 + (i % 4) * 0.1,
    openTime: T0 + i * 4 * HOUR,
    closeTime: T0 + i * 4 * HOUR + 2 * HOUR,
    grossR,
    netR,
    returnPct: netR * 0.01,
  };
}

function comparison(trades: readonly TradeRecord[], percentile: number): BaselineComparison {
  const mean = trades.reduce((a, t) => a + t.netR, 0) / trades.length;
  return {
    trades: trades.length,
    expectancyR: mean,
    randomMean: -0.2,
    randomP05: -0.5,
    randomP50: -0.2,
    randomP95: 0.1,
    percentile,
    runs: 200,
  };
}

function report(random: boolean): BacktestReport {
  const good = Array.from({ length: 40 }, (_, i) => trade(i, 'mean_reversion:4h', i % 3 === 0 ? -1 : 1.2));
  const bad = Array.from({ length: 12 }, (_, i) => trade(100 + i, 'breakout:15m', i % 2 === 0 ? -1 : 0.5));
  const trades = [...good, ...bad].sort((a, b) => a.closeTime - b.closeTime);
  const opts = { bootstrapSamples: 200, seed: 1 };
  const overall = computePerformance(trades, opts);
  const keys: GroupKey[] = ['slice', 'strategy', 'symbol', 'timeframe', 'direction', 'priority', 'entryType'];
  const groups = Object.fromEntries(keys.map((k) => [k, groupPerformance(trades, k, opts)])) as Record<
    GroupKey,
    Record<string, Performance>
  >;
  return {
    version: 2,
    config: EngineConfig.parse({}),
    data: [
      {
        symbol: 'BTCUSDT',
        source: 'a.csv',
        timeframe: '1m',
        candles: 1000,
        first: T0,
        last: T0 + 999 * 60_000,
      },
      {
        symbol: 'ETHUSDT',
        source: 'b.csv',
        timeframe: '1m',
        candles: 1000,
        first: T0,
        last: T0 + 999 * 60_000,
      },
    ],
    range: { from: null, to: null },
    costs: { feePerSide: 0.001, slippagePerSide: 0.0002, roundTrip: 0.0024 },
    sizing: { riskPerTrade: 0.01, maxOpenRisk: 0.1 },
    confidenceModel: { source: "none (the formula's score)", version: null, fallback: null, drifts: [] },
    counts: {
      baseCandles: 2000,
      signals: trades.length,
      rejected: { low_confidence: 7 },
      outcomes: { TP_HIT: 30, SL_HIT: 22 },
      openAtEnd: 0,
      trades: trades.length,
    },
    policy: 'pessimistic',
    overall,
    groups,
    calibration: calibration(trades),
    ambiguity: {
      ambiguousOutcomes: 0,
      ambiguousCandles: 0,
      pessimistic: summaryOf(overall),
      optimistic: summaryOf(overall),
    },
    filtered: { overall: summaryOf(computePerformance([], opts)), byReason: {} },
    equity: equityCurve(trades),
    walkForward: null,
    baseline: {
      random: random
        ? {
            runs: 200,
            seed: 42,
            overall: comparison(trades, 97.25),
            slices: { 'mean_reversion:4h': comparison(good, 99.5), 'breakout:15m': comparison(bad, 3) },
          }
        : null,
      buyAndHold: random
        ? {
            bySymbol: {
              BTCUSDT: { from: T0, to: T0 + 1000 * 60_000, return: 0.1001 },
              ETHUSDT: { from: T0, to: T0 + 1000 * 60_000, return: -0.05 },
            },
            pooled: 0.0251,
          }
        : { bySymbol: {}, pooled: null },
    },
  };
}

describe('formatSummary', () => {
  const text = formatSummary(report(true));
  const lines = text.split('\n');

  it('fits in 100 columns', () => {
    expect(WIDTH).toBe(100);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(WIDTH);
  });

  it('says first what the figures are after: costs and sizing', () => {
    expect(text).toMatch(/^backtest: BTCUSDT 1,000 candles, ETHUSDT 1,000 candles/);
    expect(text).toContain(
      'AFTER COSTS: every figure is net of fees 0.1% + slippage 0.02% per side (0.24% round trip)',
    );
    expect(text).toMatch(/Sizing: each trade risks 1% of equity at its stop, open risk capped at\s+10%/);
  });

  it('says why the equity is not the risk per trade times the sum of net R', () => {
    const r = report(true);
    const sumR = signed((r.overall.expectancyR.value ?? 0) * r.overall.trades);
    const flat = (t: string): string => t.replace(/\s+/g, ' ');
    expect(flat(text)).toContain(
      `compounds and trades open together are each sized on the equity at their own fill, so the total return is not 1% x the sum of net R (${sumR} R here).`,
    );
    const capped = formatSummary({
      ...r,
      overall: { ...r.overall, skippedByRiskCap: 12, reducedByRiskCap: 15, rLeftOutByRiskCap: 16.16 },
    });
    expect(flat(capped)).toContain(
      "(12 trades skipped, 15 reduced by the cap, +16.16 R of the trades' net R left out of the equity)",
    );
  });

  it('gives net expectancy with its interval and n, gross beside, costs, win rates', () => {
    const r = report(true).overall;
    const ci = r.expectancyR.ci95 ?? [0, 0];
    expect(text).toContain(`overall: ${r.trades} trades`);
    expect(text).toContain(
      `expectancy      ${signed(r.expectancyR.value)} R net [${signed(ci[0])}, ${signed(ci[1])}]`,
    );
    expect(text).toContain(`gross ${signed(r.grossExpectancyR.value)} R`);
    expect(text).toMatch(/costs {11}0\.20 R per trade/);
    expect(text).toContain(`win rate        ${percent(r.winRate.value)} net`);
    expect(text).toContain(`gross ${percent(r.grossWinRate.value)}`);
    expect(text).toMatch(/profit factor +\d+\.\d\d \(net R\)/);
    expect(text).toMatch(/equity +total return [+-]\d+\.\d\d%, max drawdown \d+\.\d\d%/);
  });

  it('flags each slice against the random runs, and the overall percentile', () => {
    const row = (name: string): string => lines.find((l) => l.startsWith(`${name} `)) ?? '';
    expect(row('mean_reversion:4h')).toMatch(/ 99\.5 +BEATS$/);
    // 12 trades: the figures are marked as resting on too few
    expect(row('breakout:15m')).toMatch(/^breakout:15m +12 +[+-]\d\.\d\d\* .* 3 +WORSE\*$/);
    expect(row('overall')).toMatch(/ 97\.2 +BEATS$/);
    expect(text).toContain('97.2th percentile of 200 runs (seed 42), BEATS random entries');
    expect(text).toContain('* fewer than 30 trades: not reliable');
  });

  it('shows buy-and-hold per symbol and pooled, and calibration with Brier and log loss', () => {
    expect(text).toContain('BTCUSDT +10.01%, ETHUSDT -5.00%; pooled +2.51%');
    const buckets = lines.filter((l) => /^0\.\d-\d\.\d /.test(l));
    expect(buckets.map((l) => l.slice(0, 7))).toEqual(['0.6-0.7', '0.7-0.8', '0.8-0.9', '0.9-1.0']);
    expect(text).toMatch(/Brier score 0\.\d{3} .*log loss \d\.\d{3}/s);
  });

  it('says so when the random baseline was skipped, without empty columns', () => {
    const skipped = formatSummary(report(false));
    expect(skipped).toContain('random entries  skipped (--baseline-runs 0)');
    expect(skipped).toContain('buy-and-hold    no candles in the report range');
    expect(skipped).not.toContain('rand p05');
    for (const line of skipped.split('\n')) expect(line.length).toBeLessThanOrEqual(WIDTH);
  });

  it('says which confidence the figures rest on, and when a drift put the model aside', () => {
    expect(text).toContain("Confidence: none (the formula's score).");
    const drifted = formatSummary({
      ...report(true),
      confidenceModel: {
        source: 'shipped',
        version: 'cm-1',
        fallback: null,
        drifts: [
          { at: Date.UTC(2025, 2, 13, 16), from: 'cm-1', to: null, reasons: ['atr_pct PSI 6.47 > 1'] },
        ],
      },
    });
    expect(drifted.replace(/\n\s*/g, ' ')).toContain(
      "Confidence: model cm-1 (shipped). drift at 2025-03-13T16:00Z (atr_pct PSI 6.47 > 1) -> the formula's score: later confidences are not the model's.",
    );
    for (const line of drifted.split('\n')) expect(line.length).toBeLessThanOrEqual(WIDTH);
  });
});
