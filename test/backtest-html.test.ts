import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Candle } from '../src/core/candles/candle.js';
import { calibration, computePerformance, equityCurve, groupPerformance } from '../src/core/metrics/index.js';
import type { GroupKey, Performance, TradeRecord } from '../src/core/metrics/types.js';
import { OutcomeTracker } from '../src/core/outcomes/tracker.js';
import { tradeOf } from '../src/core/outcomes/trade-record.js';
import type { AmbiguityPolicy, Outcome } from '../src/core/outcomes/types.js';
import { EngineConfig } from '../src/core/pipeline/engine-settings.js';
import type { BacktestReport, PolicySummary, SignalWithOutcome } from '../src/core/pipeline/report-types.js';
import { signalId } from '../src/core/signals/id.js';
import type { Direction, EntryType, Priority, Signal, StrategyName } from '../src/core/signals/types.js';
import type { ChartSeries } from '../src/runtime/backtest/chart-series.js';
import { baselineStrip, stripScale } from '../src/runtime/backtest/html/baseline-section.js';
import { toClientChart, toClientEquity } from '../src/runtime/backtest/html/client-data.js';
import {
  formatDuration,
  formatNumber,
  formatPercent,
  formatPrice,
  formatR,
  formatSettingPercent,
  formatSignedPercent,
  formatTime,
  humanise,
  jsonForScript,
} from '../src/runtime/backtest/html/format.js';
import { renderHtmlReport } from '../src/runtime/backtest/html-report.js';
import { CHROMIUM_PATH, hasChromium, launchChromium } from './support/browser.js';
import { testOutcomeConfig } from './support/outcome-paths.js';
import { hasRealData, loadRealCandles } from './support/real-data.js';

const HOUR = 3_600_000;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT_DIR = join(repoRoot, 'test-output');
const MALICIOUS = '</script><script>window.__pwned = 1</script><!--';
const PERF = { bootstrapSamples: 400, seed: 7 } as const;

// ---------------------------------------------------------------------------------------------
// A small but realistic input: hand-made signals on real BTC 1h candles (synthetic without the
// data), tracked to real outcomes by the OutcomeTracker, measured by the real metrics.
// ---------------------------------------------------------------------------------------------

/** A seeded random walk of 1h candles, for machines without the real data. */
function syntheticCandles(count: number): Candle[] {
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const out: Candle[] = [];
  let price = 60_000;
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < count; i++) {
    const open = price;
    const close = open * (1 + (rand() - 0.5) * 0.02 + Math.sin(i / 40) * 0.002);
    const high = Math.max(open, close) * (1 + rand() * 0.006);
    const low = Math.min(open, close) * (1 - rand() * 0.006);
    out.push({ openTime: start + i * HOUR, open, high, low, close, volume: 10 + rand() * 100 });
    price = close;
  }
  return out;
}

function btcCandles(): Candle[] {
  if (hasRealData) return loadRealCandles('binance_BTCUSDT_1h.csv.gz').slice(-500);
  return syntheticCandles(500);
}

const STRATEGIES: readonly StrategyName[] = ['momentum', 'breakout', 'mean_reversion', 'scalping'];
const ENTRY_TYPES: readonly EntryType[] = ['MARKET_ENTRY', 'MARKET_ENTRY', 'EMA_PULLBACK', 'FIBONACCI_618'];

interface SignalSpec {
  readonly symbol: string;
  readonly index: number;
  readonly direction: Direction;
  readonly strategy: StrategyName;
  readonly entryType: EntryType;
  readonly confidence: number;
  readonly reasons?: readonly string[];
}

function averageRange(candles: readonly Candle[], index: number): number {
  let sum = 0;
  const from = Math.max(0, index - 13);
  for (let i = from; i <= index; i++) sum += candles[i].high - candles[i].low;
  return sum / (index - from + 1);
}

function makeSignal(candles: readonly Candle[], spec: SignalSpec): Signal {
  const bar = candles[spec.index];
  const createdAt = bar.openTime + HOUR;
  const atr = averageRange(candles, spec.index);
  const sign = spec.direction === 'BUY' ? 1 : -1;
  const entry = spec.entryType === 'MARKET_ENTRY' ? bar.close : bar.close - sign * 0.3 * atr;
  const stop = entry - sign * 1.5 * atr;
  const tps: [number, number, number] = [
    entry + sign * 1.5 * atr,
    entry + sign * 3 * atr,
    entry + sign * 4.5 * atr,
  ];
  const priority: Priority = spec.confidence >= 0.8 ? 'HIGH' : spec.confidence >= 0.7 ? 'MEDIUM' : 'LOW';
  return {
    id: signalId(spec.symbol, '1h', spec.strategy, spec.direction, createdAt),
    symbol: spec.symbol,
    direction: spec.direction,
    timeframe: '1h',
    entryTimeframe: '15m',
    strategy: spec.strategy,
    entryType: spec.entryType,
    entryPrice: entry,
    stopLoss: stop,
    takeProfits: tps,
    rewardRisk: 2,
    confidence: spec.confidence,
    breakdown: {
      strategyBase: 0.7,
      votes: [],
      ensembleScore: 0.7,
      baseScale: 0.5,
      base: 0.35,
      mtfBoost: 0.2,
      alignmentFactor: 1.1,
      volumeFactor: 1,
      product: spec.confidence,
      score: spec.confidence,
      model: null,
      context: [],
    },
    health: { dataQuality: 1, technical: 0.8, risk: 0.9, regime: 0.7, score: 0.85 },
    priority,
    reasons: spec.reasons ?? [
      `${spec.strategy} ${spec.direction}: close ${bar.close.toFixed(2)} against the 20-bar mean`,
    ],
    entryAnalysis: {
      entryTimeframe: '15m',
      entryCandles: 200,
      marketPrice: bar.close,
      considered: [],
      chosen: spec.entryType,
      why: 'test',
    },
    published: true,
    features: {},
    createdAt,
    expiresAt: createdAt + 6 * HOUR,
    status: 'PENDING',
    statusAt: createdAt,
    statusReason: 'created',
  };
}

/** Every 7th candle: a signal in the direction of the close against its 20-bar mean. */
function specsFor(candles: readonly Candle[]): SignalSpec[] {
  const specs: SignalSpec[] = [];
  for (let index = 30, k = 0; index < candles.length - 3; index += 7, k++) {
    let mean = 0;
    for (let i = index - 19; i <= index; i++) mean += candles[i].close;
    mean /= 20;
    specs.push({
      symbol: 'BTCUSDT',
      index,
      direction: candles[index].close >= mean ? 'BUY' : 'SELL',
      strategy: STRATEGIES[k % STRATEGIES.length],
      entryType: ENTRY_TYPES[k % ENTRY_TYPES.length],
      confidence: 0.6 + ((k * 37) % 39) / 100,
      reasons: k === 3 ? ['A reason that tries to break out of the data block: ' + MALICIOUS] : undefined,
    });
  }
  return specs;
}

/** Runs the tracker over the candles, tracking each signal at its creation candle's close. */
function track(
  candles: readonly Candle[],
  signals: readonly Signal[],
  policy: AmbiguityPolicy,
): Map<string, Outcome> {
  const tracker = new OutcomeTracker(testOutcomeConfig({ policy, maxHoldingMs: 48 * HOUR }));
  const byCreation = new Map<number, Signal[]>();
  for (const s of signals) byCreation.set(s.createdAt, [...(byCreation.get(s.createdAt) ?? []), s]);
  const outcomes = new Map<string, Outcome>();
  for (const c of candles) {
    const close = c.openTime + HOUR;
    for (const o of tracker.onCandle(c, close)) outcomes.set(o.signalId, o);
    for (const s of byCreation.get(close) ?? []) tracker.track(s);
  }
  return outcomes;
}

function tradesOf(signals: readonly Signal[], outcomes: Map<string, Outcome>): TradeRecord[] {
  const trades: TradeRecord[] = [];
  for (const s of signals) {
    const o = outcomes.get(s.id);
    const t = o ? tradeOf(s, o) : null;
    if (t) trades.push(t);
  }
  return trades;
}

function summary(p: Performance): PolicySummary {
  return {
    trades: p.trades,
    winRate: p.winRate.value,
    expectancyR: p.expectancyR.value,
    profitFactor: p.profitFactor.value,
    totalReturn: p.totalReturn.value,
    maxDrawdown: p.maxDrawdown.value,
    reliable: p.trades >= p.minTrades,
  };
}

const GROUP_KEYS: readonly GroupKey[] = [
  'slice',
  'strategy',
  'symbol',
  'timeframe',
  'direction',
  'priority',
  'entryType',
];

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

interface Fixture {
  readonly report: BacktestReport;
  readonly signals: SignalWithOutcome[];
  readonly charts: ChartSeries[];
}

function buildFixture(): Fixture {
  const candles = btcCandles();
  const specs = specsFor(candles);
  const signals = specs.map((spec) => makeSignal(candles, spec));
  const headline = track(candles, signals, 'pessimistic');
  const optimistic = track(candles, signals, 'optimistic');

  // Candidates the rules "filtered out", tracked for their would-be outcome.
  const rejectedSpecs = specs
    .filter((_, i) => i % 3 === 1)
    .map((spec, i) => ({ ...spec, index: spec.index + 2, strategy: STRATEGIES[(i + 1) % 4] }));
  const rejected = rejectedSpecs.map((spec) => makeSignal(candles, spec));
  const rejectedOutcomes = track(candles, rejected, 'pessimistic');
  const reasonOf = (i: number): string => (i % 2 === 0 ? 'low_confidence' : 'duplicate');

  // An ETH signal whose symbol has no candles: the chart must say so, the table still lists it.
  const lastClose = candles[candles.length - 1].openTime + HOUR;
  const eth: Signal = {
    ...makeSignal(candles, { ...specs[0], symbol: 'ETHUSDT', index: candles.length - 2 }),
    entryPrice: 3_200,
    stopLoss: 3_150,
    takeProfits: [3_260, 3_320, 3_380],
    id: signalId('ETHUSDT', '1h', 'momentum', 'BUY', lastClose - HOUR),
    direction: 'BUY',
  };

  const trades = tradesOf(signals, headline);
  const overall = computePerformance(trades, PERF);
  const groups = Object.fromEntries(
    GROUP_KEYS.map((key) => [key, groupPerformance(trades, key, PERF)]),
  ) as Record<GroupKey, Record<string, Performance>>;
  const rejectedTrades = tradesOf(rejected, rejectedOutcomes);
  const byReason: Record<string, PolicySummary> = {};
  for (const reason of ['low_confidence', 'duplicate']) {
    const ids = new Set(rejected.filter((_, i) => reasonOf(i) === reason).map((s) => s.id));
    byReason[reason] = summary(
      computePerformance(
        rejectedTrades.filter((t) => ids.has(t.id)),
        PERF,
      ),
    );
  }

  const withOutcomes: SignalWithOutcome[] = [
    ...signals.map((signal) => ({ signal, outcome: headline.get(signal.id) ?? null })),
    { signal: eth, outcome: null },
  ];
  const headlineOutcomes = [...headline.values()];
  const ambiguousOutcomes = headlineOutcomes.filter((o) => o.ambiguous);

  const first = signals[0].createdAt;
  const last = signals[signals.length - 1].createdAt + 1;
  const windowMs = (last - first) / 3;
  const walkForward = [0, 1, 2].map((w) => {
    const from = first + w * windowMs;
    const to = w === 2 ? last : first + (w + 1) * windowMs;
    const inWindow = signals.filter((s) => s.createdAt >= from && s.createdAt < to);
    const ids = new Set(inWindow.map((s) => s.id));
    return {
      from,
      to,
      signals: inWindow.length,
      performance: computePerformance(
        trades.filter((t) => ids.has(t.id)),
        PERF,
      ),
    };
  });

  const report: BacktestReport = {
    version: 2,
    config: EngineConfig.parse({}),
    costs: { feePerSide: 0.001, slippagePerSide: 0.0002, roundTrip: 0.0024 },
    sizing: { riskPerTrade: 0.01, maxOpenRisk: 0.1 },
    confidenceModel: { source: "none (the formula's score)", version: null, fallback: null, drifts: [] },
    data: [
      {
        symbol: 'BTCUSDT',
        source: hasRealData ? 'binance_BTCUSDT_1h.csv.gz' : 'synthetic',
        timeframe: '1h',
        candles: candles.length,
        first: candles[0].openTime,
        last: candles[candles.length - 1].openTime,
      },
      { symbol: 'ETHUSDT', source: 'none', timeframe: '1h', candles: 0, first: null, last: null },
    ],
    range: { from: first, to: null },
    counts: {
      baseCandles: candles.length,
      signals: withOutcomes.length,
      rejected: countBy(rejected, (s) => reasonOf(rejected.indexOf(s))),
      outcomes: countBy(headlineOutcomes, (o) => o.type),
      openAtEnd: withOutcomes.filter((s) => s.outcome === null).length,
      trades: trades.length,
    },
    policy: 'pessimistic',
    overall,
    groups,
    calibration: calibration(trades),
    ambiguity: {
      ambiguousOutcomes: ambiguousOutcomes.length,
      ambiguousCandles: ambiguousOutcomes.reduce((a, o) => a + o.ambiguousCandles, 0),
      pessimistic: summary(overall),
      optimistic: summary(computePerformance(tradesOf(signals, optimistic), PERF)),
    },
    filtered: { overall: summary(computePerformance(rejectedTrades, PERF)), byReason },
    equity: equityCurve(trades),
    walkForward,
    baseline: {
      random: {
        runs: 200,
        seed: 42,
        overall: {
          trades: trades.length,
          expectancyR: overall.expectancyR.value,
          randomMean: -0.1,
          randomP05: -0.3,
          randomP50: -0.1,
          randomP95: 0.1,
          percentile: 97.5,
          runs: 200,
        },
        slices: Object.fromEntries(
          Object.entries(groups.slice).map(([slice, p], i) => [
            slice,
            {
              trades: p.trades,
              expectancyR: p.expectancyR.value,
              randomMean: -0.2,
              randomP05: -0.6,
              randomP50: -0.2,
              randomP95: 0.2,
              // one slice of each verdict: beats, inside, worse, inside
              percentile: [99, 50, 2.5, 94.99][i % 4],
              runs: 200,
            },
          ]),
        ),
      },
      buyAndHold: {
        bySymbol: {
          BTCUSDT: { from: candles[0].openTime, to: lastClose, return: 0.1234 },
        },
        pooled: 0.1234,
      },
    },
  };

  const charts: ChartSeries[] = [
    {
      symbol: 'BTCUSDT',
      timeframe: '1h',
      candles: candles.map((c) => ({
        time: c.openTime,
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
      })),
    },
    { symbol: 'ETHUSDT', timeframe: '1h', candles: [] },
  ];
  return { report, signals: withOutcomes, charts };
}

function emptyFixture(): Fixture {
  const overall = computePerformance([], PERF);
  const none = summary(overall);
  const report: BacktestReport = {
    version: 2,
    config: EngineConfig.parse({}),
    costs: { feePerSide: 0.001, slippagePerSide: 0.0002, roundTrip: 0.0024 },
    sizing: { riskPerTrade: 0.01, maxOpenRisk: 0.1 },
    confidenceModel: { source: "none (the formula's score)", version: null, fallback: null, drifts: [] },
    data: [{ symbol: 'BTCUSDT', source: 'empty.csv', timeframe: '1m', candles: 0, first: null, last: null }],
    range: { from: null, to: null },
    counts: { baseCandles: 0, signals: 0, rejected: {}, outcomes: {}, openAtEnd: 0, trades: 0 },
    policy: 'pessimistic',
    overall,
    groups: Object.fromEntries(GROUP_KEYS.map((k) => [k, {}])) as Record<
      GroupKey,
      Record<string, Performance>
    >,
    calibration: calibration([]),
    ambiguity: { ambiguousOutcomes: 0, ambiguousCandles: 0, pessimistic: none, optimistic: none },
    filtered: { overall: none, byReason: {} },
    equity: [],
    walkForward: null,
    baseline: { random: null, buyAndHold: { bySymbol: {}, pooled: null } },
  };
  return { report, signals: [], charts: [{ symbol: 'BTCUSDT', timeframe: '1h', candles: [] }] };
}

// ---------------------------------------------------------------------------------------------

const fixture = buildFixture();
const html = renderHtmlReport({ ...fixture, title: 'BTC 1h backtest (test fixture)' });

function dataBlock(page: string): string {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page);
  if (!match) throw new Error('no data block');
  return match[1];
}

describe('HTML report helpers', () => {
  it('formats numbers for a person', () => {
    expect(formatNumber(1234567.891, 2)).toBe('1,234,567.89');
    expect(formatNumber(-0.001, 2)).toBe('0.00');
    expect(formatNumber(-12.5, 1)).toBe('−12.5');
    expect(formatNumber(null)).toBe('—');
    expect(formatPercent(0.48437)).toBe('48.44 %');
    expect(formatSignedPercent(0.05)).toBe('+5.00 %');
    expect(formatSignedPercent(-0.0123)).toBe('−1.23 %');
    expect(formatSignedPercent(0)).toBe('0.00 %');
    expect(formatR(1.7)).toBe('+1.70 R');
    expect(formatPrice(64123.456)).toBe('64,123.46');
    expect(formatPrice(3.45678)).toBe('3.4568');
    expect(formatPrice(0.5234123)).toBe('0.52341');
    expect(formatPrice(0.00001234)).toBe('0.00001234');
    expect(formatTime(Date.UTC(2025, 5, 1, 13, 5))).toBe('2025-06-01 13:05');
    expect(formatDuration(45 * 60_000)).toBe('45m');
    expect(formatDuration(5.5 * HOUR)).toBe('5h 30m');
    expect(formatDuration(76 * HOUR)).toBe('3d 4h');
    expect(humanise('TP_HIT')).toBe('TP hit');
    expect(humanise('mean_reversion')).toBe('Mean reversion');
  });

  it('writes settings and percentiles for a person', () => {
    expect(formatSettingPercent(0.001)).toBe('0.1 %');
    expect(formatSettingPercent(0.0002)).toBe('0.02 %');
    expect(formatSettingPercent(0.0024000000000000002)).toBe('0.24 %');
    expect(formatSettingPercent(0.01)).toBe('1 %');
    expect(formatSettingPercent(10)).toBe('1000 %');
  });

  it('draws the random band and the real value on one scale', () => {
    const c = {
      trades: 40,
      expectancyR: 0.3,
      randomMean: -0.1,
      randomP05: -0.5,
      randomP50: -0.1,
      randomP95: 0.2,
      percentile: 99,
      runs: 200,
    };
    const scale = stripScale([c, { ...c, randomP05: -1, expectancyR: -1.2 }]);
    expect(scale.lo).toBeLessThan(-1.2);
    expect(scale.hi).toBeGreaterThan(0.3);
    // zero is always on the scale, and a single point still gives a range
    const flat = stripScale([{ ...c, randomP05: 0, randomP95: 0, expectancyR: 0 }]);
    expect(flat.hi - flat.lo).toBeGreaterThan(0.9);
    const svg = baselineStrip(c, scale);
    expect(svg).toContain('class="band"');
    expect(svg).toContain('class="median"');
    expect(svg).toContain('class="real beats"');
    expect(svg).toContain('real +0.30 R net; random runs p05 −0.50 R, median −0.10 R, p95 +0.20 R');
    const none = baselineStrip(
      { ...c, randomP05: null, randomP50: null, randomP95: null, percentile: null },
      scale,
    );
    expect(none).not.toContain('class="band"');
    expect(none).toContain('no random run closed a trade');
  });

  it('escapes JSON so it cannot leave a script element', () => {
    const text = jsonForScript({ a: '</script><!-- & \u2028' });
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual({ a: '</script><!-- & \u2028' });
  });

  it('orders chart candles, drops bad ones and keeps one bar per second', () => {
    const bar = (time: number, close: number) => ({ time, open: close, high: close, low: close, close });
    const chart = toClientChart({
      symbol: 'X',
      timeframe: '1h',
      candles: [bar(2 * HOUR, 3), bar(HOUR, 2), bar(HOUR + 1, 9), { ...bar(3 * HOUR, 4), high: Number.NaN }],
    });
    expect(chart.candles.map((c) => [c[0], c[4]])).toEqual([
      [3600, 9],
      [7200, 3],
    ]);
    expect(chart.interval).toBe(3600);
  });

  it('turns equity into cumulative return from the starting equity', () => {
    const points = [
      { time: 0, equity: 100, drawdown: 0 },
      { time: HOUR, equity: 110, drawdown: 0 },
      { time: HOUR + 10, equity: 99, drawdown: 0.1 },
    ];
    const curve = toClientEquity(points, -0.01);
    expect(curve.map((p) => p.time)).toEqual([0, 3600]);
    expect(curve[0].value).toBeCloseTo(0, 12);
    expect(curve[1].value).toBeCloseTo(-0.01, 12);
    expect(toClientEquity([], null)).toEqual([]);
  });
});

describe('renderHtmlReport: the HTML string', () => {
  it('is one document with the chart library inlined', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('TradingView Lightweight Charts™ v5');
    expect(html).toContain('window.LightweightCharts=');
    expect(html.match(/<html/g)).toHaveLength(1);
  });

  it('carries the data as JSON that parses back to the input', () => {
    const data = JSON.parse(dataBlock(html));
    expect(data.report.counts).toEqual(fixture.report.counts);
    expect(data.signals).toHaveLength(fixture.signals.length);
    expect(data.charts[0].candles).toHaveLength(fixture.charts[0].candles.length);
    expect(data.charts[1].candles).toHaveLength(0);
  });

  it('makes no external reference: no http(s) src or href, no url(), no import', () => {
    expect(html).not.toMatch(/\b(?:src|href|action|poster)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).toContain("default-src 'none'");
  });

  it('keeps a reason with </script> from closing the data block', () => {
    const block = dataBlock(html);
    expect(block).not.toMatch(/<\/script/i);
    expect(block).not.toContain('<');
    expect(html).not.toContain(MALICIOUS);
    const data = JSON.parse(block);
    const reasons = data.signals.flatMap((s: { reasons: string[] }) => s.reasons);
    expect(reasons.some((r: string) => r.includes(MALICIOUS))).toBe(true);
    // Exactly three script elements: data, library, page script.
    expect(html.match(/<script\b/gi)).toHaveLength(3);
    expect(html.match(/<\/script>/gi)).toHaveLength(3);
  });

  it('has the sections and tables a person reads', () => {
    for (const id of [
      'overall-metrics',
      'ambiguity-table',
      'filtered-table',
      'walk-forward-table',
      'calibration-table',
      'signals-table',
    ]) {
      expect(html).toContain(`id="${id}"`);
    }
    for (const group of GROUP_KEYS) expect(html).toContain(`data-group="${group}"`);
    expect(html).toMatch(/n &lt; 30/);
    expect(html).toContain('95 % CI');
    expect(html).toContain('<svg class="calibration-chart"');
  });

  it('says in the headline that every figure is after costs, with the costs and the sizing', () => {
    expect(html).toContain('<b>All figures are after costs</b>: fee 0.1 % + slippage 0.02 % per side');
    expect(html).toContain('0.24 % round trip; a win is a trade with net R &gt; 0');
    expect(html).toContain('risks 1 % of equity per trade at its stop, with open risk capped at 10 %');
    expect(html).toContain('Overall performance, after costs');
    // net first, gross beside
    const cards = html.slice(
      html.indexOf('id="headline"'),
      html.indexOf('</section>', html.indexOf('id="headline"')),
    );
    const o = fixture.report.overall;
    expect(cards).toContain(`${formatR(o.expectancyR.value)} <span class="stat-unit">net</span>`);
    expect(cards).toContain(`${formatR(o.grossExpectancyR.value)} gross`);
    expect(cards).toContain(`${formatPercent(o.grossWinRate.value, 1)} gross`);
    expect(cards).toContain('Costs per trade');
    expect(cards).toContain('97.5th');
  });

  it('compares every slice with the random runs and flags the verdicts', () => {
    expect(html).toContain('<h2>Against random entries</h2>');
    expect(html).toContain('id="baseline-table"');
    const slices = Object.keys(fixture.report.groups.slice);
    expect(slices.length).toBeGreaterThanOrEqual(4);
    for (const slice of slices) expect(html).toContain(`data-slice="${slice}"`);
    expect(html).toContain('data-verdict="beats"');
    expect(html).toContain('data-verdict="worse"');
    // 94.99 is inside the band and reads as 94.9, never as 95
    expect(html).toContain('94.9th');
    expect(html).toContain('Beats random (≥ 95th)');
    expect(html).toContain('Worse than random (≤ 5th)');
    expect(html).toContain('the <b>97.5th percentile</b> of 200 random runs');
    expect(html).toContain('id="buy-and-hold-table"');
    expect(html).toContain('+12.34 %');
    expect(html).toContain('id="calibration-scores"');
    expect(html).toContain(formatNumber(fixture.report.calibration.brier.value, 3));
  });

  it('says so when the random baseline was skipped', () => {
    const skipped = renderHtmlReport(emptyFixture());
    expect(skipped).toContain('id="baseline-skipped"');
    expect(skipped).toContain('Buy-and-hold is not computed when the random baseline is skipped.');
  });

  it('is deterministic', () => {
    expect(renderHtmlReport({ ...fixture, title: 'BTC 1h backtest (test fixture)' })).toBe(html);
  });

  it('renders empty input without throwing', () => {
    const empty = renderHtmlReport(emptyFixture());
    expect(empty).toContain('No signals were created in this run.');
    expect(empty).not.toContain('id="walk-forward-table"');
  });
});

const inCi = process.env.CI === 'true';
if (!hasChromium && !inCi) {
  console.warn(
    `[backtest-html] no Chromium at ${CHROMIUM_PATH}: the browser checks of the HTML report are skipped (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}

interface Opened {
  readonly page: Page;
  readonly errors: string[];
  readonly external: string[];
}

describe.skipIf(!hasChromium && !inCi)('renderHtmlReport: the page in headless Chromium', () => {
  let browser: Browser;
  let workDir: string;

  beforeAll(async () => {
    if (!hasChromium) {
      throw new Error(
        `CI must run the browser checks but there is no Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
      );
    }
    browser = await launchChromium();
    workDir = mkdtempSync(join(tmpdir(), 'alphapulse-html-'));
  });

  afterAll(async () => {
    await browser?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  async function open(name: string, content: string): Promise<Opened> {
    const file = join(workDir, name);
    writeFileSync(file, content);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    const external: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(`page: ${err.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
    return { page, errors, external };
  }

  it('draws the charts and tables, selects a signal, and makes no request', async () => {
    const { page, errors, external } = await open('report.html', html);

    // Candle chart (with data) and equity chart: canvases of non-zero size.
    const sizes = await page.$$eval('#chart-0 canvas, #equity-chart canvas', (canvases) =>
      canvases.map((c) => {
        const r = c.getBoundingClientRect();
        return [r.width, r.height];
      }),
    );
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.some(([w, h]) => w > 300 && h > 200)).toBe(true);
    for (const id of ['#chart-0', '#equity-chart']) {
      const big = await page.$$eval(`${id} canvas`, (cs) =>
        cs.some((c) => c.getBoundingClientRect().width > 0 && c.getBoundingClientRect().height > 0),
      );
      expect(big, id).toBe(true);
    }
    // The symbol without candles says so instead of drawing.
    expect(await page.textContent('#chart-1')).toContain('No candles for ETHUSDT');

    // Tables have rows.
    expect(await page.locator('#overall-metrics tbody tr').count()).toBeGreaterThan(20);
    expect(await page.locator('table[data-group="strategy"] tbody tr').count()).toBe(4);
    expect(await page.locator('#calibration-table tbody tr').count()).toBe(10);
    const slices = Object.keys(fixture.report.groups.slice).length;
    expect(await page.locator('#baseline-table tbody tr').count()).toBe(slices + 1);
    expect(await page.locator('#baseline-table svg.baseline-strip').count()).toBe(slices + 1);
    expect(await page.textContent('#costs-note')).toContain('All figures are after costs');
    expect(await page.isVisible('#baseline-table tr[data-verdict="beats"] .verdict.beats')).toBe(true);
    expect(await page.locator('#walk-forward-table thead th').count()).toBe(4);
    const rows = page.locator('#signals-table tbody tr.signal-row');
    expect(await rows.count()).toBe(fixture.signals.length);
    expect(await page.locator('#signal-select option').count()).toBe(fixture.signals.length + 1);

    // The reason with </script> was shown as text, not run.
    expect(await page.evaluate('window.__pwned')).toBeUndefined();

    // Nothing selected yet.
    expect(await page.getAttribute('#selected-signal', 'data-price-lines')).toBe('0');

    // Click a BTC signal that was filled: its entry, stop and three targets become price lines.
    const target = page
      .locator('#signals-table tbody tr.signal-row.win, #signals-table tbody tr.signal-row.loss')
      .nth(2);
    const id = await target.getAttribute('data-signal-id');
    await target.click();
    expect(await page.getAttribute('#selected-signal', 'data-signal-id')).toBe(id);
    expect(await page.getAttribute('#selected-signal', 'data-price-lines')).toBe('5');
    expect(await page.textContent('#selected-signal')).toContain('TP3');
    expect(await target.getAttribute('class')).toContain('selected');

    // The select box drives the same selection; the malicious reason shows as text.
    const data = JSON.parse(dataBlock(html));
    const malIndex = data.signals.findIndex((s: { reasons: string[] }) =>
      s.reasons.some((r) => r.includes(MALICIOUS)),
    );
    await page.selectOption('#signal-select', String(malIndex));
    expect(await page.textContent('#selected-signal')).toContain(MALICIOUS);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();

    // The ETH signal has no chart: no price lines, and the caption says why.
    const ethIndex = data.signals.findIndex((s: { symbol: string }) => s.symbol === 'ETHUSDT');
    await page.selectOption('#signal-select', String(ethIndex));
    expect(await page.getAttribute('#selected-signal', 'data-price-lines')).toBe('0');
    expect(await page.textContent('#selected-signal')).toContain('outside the charted candles');

    // Clicking a signal's marker on the chart selects it too.
    await page.evaluate(`(() => {
      const c = window.alphapulseReport.charts.BTCUSDT;
      c.chart.timeScale().fitContent();
      c.element.scrollIntoView({ block: 'center' });
      return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    })()`);
    const marker = (await page.evaluate(`(() => {
      const r = window.alphapulseReport;
      const c = r.charts.BTCUSDT;
      const index = r.signals.findIndex((s, i) => i > 10 && i !== r.selected() && s.symbol === 'BTCUSDT' && r.candleIndex(c, s.createdAt) >= 0);
      const s = r.signals[index];
      const at = r.candleIndex(c, s.createdAt);
      const bar = c.series.data()[at];
      const box = c.element.getBoundingClientRect();
      const x = c.chart.timeScale().timeToCoordinate(c.times[at]);
      const y = s.direction === 'BUY' ? c.series.priceToCoordinate(bar.low) + 8 : c.series.priceToCoordinate(bar.high) - 8;
      return { index, x: box.left + x, y: box.top + y };
    })()`)) as { index: number; x: number; y: number };
    await page.mouse.click(marker.x, marker.y);
    expect(await page.evaluate('window.alphapulseReport.selected()')).toBe(marker.index);
    expect(await page.getAttribute('#selected-signal', 'data-price-lines')).toBe('5');

    // Back to the clicked row for the screenshot, the pointer off the charts.
    await target.click();
    await page.mouse.move(1, 1);
    await page.evaluate('window.scrollTo(0, 0)');
    mkdirSync(OUTPUT_DIR, { recursive: true });
    writeFileSync(join(OUTPUT_DIR, 'backtest-report.html'), html);
    await page.screenshot({ path: join(OUTPUT_DIR, 'backtest-report.png'), fullPage: true });
    await page.locator('#baseline').screenshot({ path: join(OUTPUT_DIR, 'backtest-report-baseline.png') });

    expect(external).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens an empty report (no signals, no trades, no candles) without errors', async () => {
    const { page, errors, external } = await open('empty.html', renderHtmlReport(emptyFixture()));
    expect(await page.textContent('#chart-0')).toContain('No candles for BTCUSDT');
    expect(await page.textContent('#equity-chart')).toContain('No closed trades');
    expect(await page.isDisabled('#signal-select')).toBe(true);
    expect(await page.locator('#overall-metrics tbody tr').count()).toBeGreaterThan(20);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'backtest-report-empty.png'), fullPage: true });
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
