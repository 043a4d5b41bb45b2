import { type FileInput, mergeFiles, requireTimeframe } from '../../adapters/market/file-inputs.js';
import { Aggregator } from '../../core/candles/aggregator.js';
import type { Candle } from '../../core/candles/candle.js';
import { divides, type Timeframe, timeframeMs } from '../../core/candles/timeframe.js';
import { DEFAULT_SIZING } from '../../core/metrics/equity.js';
import { calibration, computePerformance, equityCurve, groupPerformance } from '../../core/metrics/index.js';
import type { GroupKey, Performance, PerformanceOptions, TradeRecord } from '../../core/metrics/types.js';
import { holdingMsOf, trackerSettings } from '../../core/outcomes/settings.js';
import { OutcomeTracker } from '../../core/outcomes/tracker.js';
import { netROf, tradeOf } from '../../core/outcomes/trade-record.js';
import type { AmbiguityPolicy, Outcome, PrecisionSettings } from '../../core/outcomes/types.js';
import type { EngineConfig } from '../../core/pipeline/engine-settings.js';
import type { PipelineEvent } from '../../core/pipeline/events.js';
import type {
  BacktestReport,
  ModelDriftRecord,
  PolicySummary,
  SignalWithOutcome,
  SymbolRange,
  WalkForwardWindow,
} from '../../core/pipeline/report-types.js';
import type { RejectedCandidate, Signal } from '../../core/signals/types.js';
import type { StrategyRegistry } from '../../core/strategies/registry.js';
import { modelSummary, type ResolvedModels } from '../confidence-models.js';
import { type CandleFeed, PipelineDriver } from '../driver.js';
import type { ChartSeries } from './chart-series.js';
import { compareEntries, MarketTwinReplay } from './entry-counterfactual.js';
import { buyAndHold, type EntryPoint, entryKey, geometryOf, randomEntryBaseline } from './random-baseline.js';

export interface BacktestOptions {
  readonly engine: EngineConfig;
  /** The strategy families `engine.strategies` refers to (default: the built-in ones). */
  readonly registry?: StrategyRegistry;
  readonly inputs: readonly FileInput[];
  /** Report signals created at or after this time (earlier candles warm the pipeline up). */
  readonly from?: number;
  /** Stop reading candles at this time. */
  readonly to?: number;
  /** Split the reported range into this many consecutive windows. */
  readonly walkForward?: number;
  readonly metrics?: PerformanceOptions;
  /**
   * The random-entry baseline: seeded runs mirroring every trade (see random-baseline.ts);
   * false to skip it. Default 200 runs, seed 42.
   */
  readonly baseline?: { readonly runs: number; readonly seed: number } | false;
  /** Timeframe of the candles kept for charts (default 1h). */
  readonly chartTimeframe?: Timeframe;
  readonly onProgress?: (candles: number) => void;
  /**
   * Candles already read, in time order (for benchmarks and the store): replaces reading
   * `inputs`, which then only describe the symbols.
   */
  readonly feed?: CandleFeed;
  /** The confidence model (runtime/confidence-models.ts); none: the formula's score. */
  readonly confidence?: ResolvedModels;
}

export interface BacktestResult {
  readonly report: BacktestReport;
  readonly signals: readonly SignalWithOutcome[];
  readonly rejected: readonly RejectedCandidate[];
  readonly charts: readonly ChartSeries[];
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

const EXACT_TOUCH: PrecisionSettings = {
  toleranceBps: 0,
  toleranceTicks: 0,
  confirm: 'touch',
  minPenetrationBps: 0,
};

function summarize(trades: readonly TradeRecord[], opts: PerformanceOptions): PolicySummary {
  const p = computePerformance(trades, { ...opts, bootstrapSamples: 0 });
  return {
    trades: p.trades,
    winRate: p.winRate.value,
    expectancyR: p.expectancyR.value,
    profitFactor: p.profitFactor.value,
    totalReturn: p.totalReturn.value,
    maxDrawdown: p.maxDrawdown.value,
    reliable: p.winRate.reliable,
  };
}

/**
 * Extra trackers that replay the created signals under another ambiguity policy (and, given
 * `precision`, another TP/SL precision rule).
 */
class PolicyReplay {
  private readonly trackers = new Map<string, OutcomeTracker>();
  readonly outcomes = new Map<string, Outcome>();

  constructor(
    private readonly engine: EngineConfig,
    private readonly policy: AmbiguityPolicy,
    private readonly precision?: PrecisionSettings,
  ) {}

  track(signal: Signal, tickSize?: number): void {
    let t = this.trackers.get(signal.symbol);
    if (!t) {
      const settings = trackerSettings(this.engine.outcomes, this.policy);
      t = new OutcomeTracker(this.precision ? { ...settings, precision: this.precision } : settings);
      this.trackers.set(signal.symbol, t);
    }
    t.track(signal, holdingMsOf(signal, this.engine.outcomes), tickSize);
  }

  onCandle(
    symbol: string,
    c: { openTime: number; open: number; high: number; low: number; close: number; volume: number },
    closeAt: number,
  ): void {
    const t = this.trackers.get(symbol);
    if (!t || t.size === 0) return;
    for (const o of t.onCandle(c, closeAt)) this.outcomes.set(o.signalId, o);
  }
}

/**
 * Replays candle files through the very SignalPipeline the live service runs (outcome
 * tracking included), then measures the track record. Deterministic: same files and config,
 * same report.
 */
export async function runBacktest(opts: BacktestOptions): Promise<BacktestResult> {
  const { engine } = opts;
  requireTimeframe(opts.inputs, engine.baseTimeframe);
  const metricOpts: PerformanceOptions = { minTrades: 30, bootstrapSamples: 2000, seed: 42, ...opts.metrics };
  const chartTf: Timeframe = opts.chartTimeframe ?? '1h';
  const chartable = divides(engine.baseTimeframe, chartTf);

  const signals = new Map<string, Signal>();
  const outcomes = new Map<string, Outcome>();
  const baselineOpts = opts.baseline === false ? null : (opts.baseline ?? { runs: 200, seed: 42 });
  const signalTfs = new Set(engine.signalTimeframes.map((s) => s.timeframe));
  const baselineMarket = baselineOpts
    ? {
        baseMs: timeframeMs(engine.baseTimeframe),
        candles: new Map<string, Candle[]>(),
        entries: new Map<string, EntryPoint[]>(),
      }
    : null;
  const rejected: RejectedCandidate[] = [];
  const drifts: ModelDriftRecord[] = [];
  const rejectedById = new Map<string, RejectedCandidate>();
  const shadow = new Map<string, Outcome>();
  const ticks = new Map(opts.inputs.map((f) => [f.symbol, f.tickSize ?? Number.NaN]));
  const pessimistic = new PolicyReplay(engine, 'pessimistic');
  const optimistic = new PolicyReplay(engine, 'optimistic');
  const rule = engine.outcomes.precision;
  const exactRule = rule.toleranceBps === 0 && rule.toleranceTicks === 0 && rule.confirm === 'touch';
  const exactTouch = exactRule ? null : new PolicyReplay(engine, engine.outcomes.policy, EXACT_TOUCH);
  const twins = new MarketTwinReplay(engine);
  const ranges = new Map<string, { candles: number; first: number | null; last: number | null }>();
  const charts = new Map<string, ChartSeries['candles'][number][]>();
  const chartAggs = new Map<string, Aggregator>();
  // buy-and-hold needs only each symbol's first candle in the report range and its last one
  const holdEnds = new Map<string, { first: Candle; last: Candle }>();

  // signals and candidates created before `from` never reach it (the driver holds them back)
  const sink = (e: PipelineEvent): void => {
    switch (e.type) {
      case 'signal.created':
        signals.set(e.signal.id, e.signal);
        pessimistic.track(e.signal, ticks.get(e.signal.symbol));
        optimistic.track(e.signal, ticks.get(e.signal.symbol));
        exactTouch?.track(e.signal, ticks.get(e.signal.symbol));
        twins.track(e.signal, ticks.get(e.signal.symbol));
        return;
      case 'signal.rejected':
        rejected.push(e.candidate);
        rejectedById.set(e.candidate.id, e.candidate);
        return;
      case 'model.drift':
        drifts.push({ at: e.at, from: e.from, to: e.to, reasons: e.verdict.reasons });
        return;
      case 'outcome.closed':
        if (e.shadow) {
          if (rejectedById.has(e.outcome.signalId)) shadow.set(e.outcome.signalId, e.outcome);
        } else if (signals.has(e.outcome.signalId)) outcomes.set(e.outcome.signalId, e.outcome);
        return;
      case 'candle.closed': {
        if (!baselineMarket) return;
        const atr = driver.pipeline.snapshot(e.symbol, e.timeframe)?.atr ?? Number.NaN;
        if (!signalTfs.has(e.timeframe) || !(atr > 0)) return;
        const key = entryKey(e.symbol, e.timeframe);
        const list = baselineMarket.entries.get(key) ?? [];
        list.push({ closeTime: e.candle.openTime + timeframeMs(e.timeframe), close: e.candle.close, atr });
        baselineMarket.entries.set(key, list);
        return;
      }
      default:
        return;
    }
  };

  for (const f of opts.inputs) {
    ranges.set(f.symbol, { candles: 0, first: null, last: null });
    baselineMarket?.candles.set(f.symbol, []);
    if (chartable) {
      const out: ChartSeries['candles'][number][] = [];
      charts.set(f.symbol, out);
      chartAggs.set(
        f.symbol,
        new Aggregator(engine.baseTimeframe, [chartTf], (c) =>
          out.push({ time: c.openTime, open: c.open, high: c.high, low: c.low, close: c.close }),
        ),
      );
    }
  }

  const baseMs = timeframeMs(engine.baseTimeframe);
  const driver = new PipelineDriver(engine, sink, {
    from: opts.from,
    symbols: opts.inputs,
    registry: opts.registry,
    confidence: opts.confidence,
    beforeCandle: (symbol, candle) => {
      const closeAt = candle.openTime + baseMs;
      // the policy replays see this candle before the pipeline can create signals at its close
      pessimistic.onCandle(symbol, candle, closeAt);
      optimistic.onCandle(symbol, candle, closeAt);
      exactTouch?.onCandle(symbol, candle, closeAt);
      twins.onCandle(symbol, candle, closeAt);
      chartAggs.get(symbol)?.push(candle);
      baselineMarket?.candles.get(symbol)?.push(candle);
      if (opts.from === undefined || candle.openTime >= opts.from) {
        const ends = holdEnds.get(symbol);
        if (ends) ends.last = candle;
        else holdEnds.set(symbol, { first: candle, last: candle });
      }
      const r = ranges.get(symbol);
      if (r) {
        r.candles++;
        if (r.first === null) r.first = candle.openTime;
        r.last = candle.openTime;
      }
    },
  });
  const baseCandles = await driver.run(opts.feed ?? mergeFiles(opts.inputs, opts.to), opts.onProgress);

  const created = [...signals.values()];
  const tradesOf = (map: ReadonlyMap<string, Outcome>, list: readonly Signal[]): TradeRecord[] =>
    list.flatMap((s) => {
      const o = map.get(s.id);
      const t = o ? tradeOf(s, o) : null;
      return t ? [t] : [];
    });
  const trades = tradesOf(outcomes, created);
  const groups = Object.fromEntries(
    GROUP_KEYS.map((k) => [k, groupPerformance(trades, k, metricOpts)]),
  ) as Record<GroupKey, Record<string, Performance>>;
  const countBy = <T>(xs: Iterable<T>, key: (x: T) => string): Record<string, number> => {
    const m: Record<string, number> = {};
    for (const x of xs) m[key(x)] = (m[key(x)] ?? 0) + 1;
    return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)));
  };

  const shadowSignals = rejected.flatMap((r) => (r.signal ? [r.signal] : []));
  const shadowTrades = tradesOf(shadow, shadowSignals);
  const reasons = [...new Set(rejected.map((r) => r.reason))].sort();
  const byReason: Record<string, PolicySummary> = {};
  for (const reason of reasons) {
    const ids = new Set(rejected.filter((r) => r.reason === reason).map((r) => r.id));
    byReason[reason] = summarize(
      shadowTrades.filter((t) => ids.has(t.id)),
      metricOpts,
    );
  }

  let walkForward: WalkForwardWindow[] | null = null;
  if (opts.walkForward && opts.walkForward > 0) {
    const starts = [...ranges.values()].flatMap((r) => (r.first === null ? [] : [r.first]));
    const ends = [...ranges.values()].flatMap((r) => (r.last === null ? [] : [r.last + baseMs]));
    const lo = Math.max(opts.from ?? Number.NEGATIVE_INFINITY, Math.min(...starts));
    const hi = Math.min(opts.to ?? Number.POSITIVE_INFINITY, Math.max(...ends));
    const n = opts.walkForward;
    const span = (hi - lo) / n;
    walkForward = [];
    for (let k = 0; k < n; k++) {
      const a = Math.round(lo + k * span);
      const b = k === n - 1 ? hi : Math.round(lo + (k + 1) * span);
      const inWindow = created.filter((s) => s.createdAt >= a && s.createdAt < b);
      walkForward.push({
        from: a,
        to: b,
        signals: inWindow.length,
        performance: computePerformance(tradesOf(outcomes, inWindow), metricOpts),
      });
    }
  }

  const data: SymbolRange[] = opts.inputs.map((f) => {
    const r = ranges.get(f.symbol);
    return {
      symbol: f.symbol,
      source: f.path,
      timeframe: f.timeframe,
      candles: r?.candles ?? 0,
      first: r?.first ?? null,
      last: r?.last ?? null,
    };
  });
  const ambiguous = [...outcomes.values()].filter((o) => o.ambiguous);
  const costPerSide = engine.outcomes.feePerSide + engine.outcomes.slippagePerSide;
  const starts = [...ranges.values()].flatMap((r) => (r.first === null ? [] : [r.first]));
  const reportFrom = opts.from ?? (starts.length ? Math.min(...starts) : 0);
  const realTrades = created.flatMap((signal) => {
    const o = outcomes.get(signal.id);
    return o?.filled ? [{ trade: geometryOf(signal), netR: netROf(o) }] : [];
  });

  const report: BacktestReport = {
    version: 2,
    config: engine,
    data,
    range: { from: opts.from ?? null, to: opts.to ?? null },
    costs: {
      feePerSide: engine.outcomes.feePerSide,
      slippagePerSide: engine.outcomes.slippagePerSide,
      roundTrip: 2 * costPerSide,
    },
    sizing: {
      riskPerTrade: metricOpts.riskPerTrade ?? DEFAULT_SIZING.riskPerTrade,
      maxOpenRisk: metricOpts.maxOpenRisk ?? DEFAULT_SIZING.maxOpenRisk,
    },
    confidenceModel: modelSummary(opts.confidence, drifts),
    counts: {
      baseCandles,
      signals: created.length,
      rejected: countBy(rejected, (r) => r.reason),
      outcomes: countBy(outcomes.values(), (o) => o.type),
      openAtEnd: created.filter((s) => !outcomes.has(s.id)).length,
      trades: trades.length,
    },
    policy: engine.outcomes.policy,
    overall: computePerformance(trades, metricOpts),
    groups,
    calibration: calibration(trades, metricOpts),
    ambiguity: {
      ambiguousOutcomes: ambiguous.length,
      ambiguousCandles: ambiguous.reduce((a, o) => a + o.ambiguousCandles, 0),
      pessimistic: summarize(tradesOf(pessimistic.outcomes, created), metricOpts),
      optimistic: summarize(tradesOf(optimistic.outcomes, created), metricOpts),
    },
    filtered: { overall: summarize(shadowTrades, metricOpts), byReason },
    entries: compareEntries(
      created,
      outcomes,
      twins.outcomes,
      metricOpts.bootstrapSamples ?? 2000,
      metricOpts.seed ?? 42,
    ),
    precision: {
      rule: { ...rule },
      eventsByClass: countBy(
        [...outcomes.values()].flatMap((o) => o.events.flatMap((ev) => (ev.precision ? [ev] : []))),
        (ev) => ev.precision ?? '',
      ),
      configured: summarize(trades, metricOpts),
      exactTouch: exactTouch ? summarize(tradesOf(exactTouch.outcomes, created), metricOpts) : null,
    },
    equity: equityCurve(trades, {
      sizing: {
        riskPerTrade: metricOpts.riskPerTrade ?? DEFAULT_SIZING.riskPerTrade,
        maxOpenRisk: metricOpts.maxOpenRisk ?? DEFAULT_SIZING.maxOpenRisk,
      },
    }),
    walkForward,
    baseline: {
      random:
        baselineOpts && baselineMarket
          ? randomEntryBaseline(realTrades, baselineMarket, engine, {
              ...baselineOpts,
              from: reportFrom,
              to: opts.to ?? Number.POSITIVE_INFINITY,
            })
          : null,
      buyAndHold: buyAndHold(
        new Map([...holdEnds].map(([symbol, { first, last }]) => [symbol, [first, last]])),
        timeframeMs(engine.baseTimeframe),
        costPerSide,
        reportFrom,
      ),
    },
  };

  return {
    report,
    signals: created.map((signal) => ({ signal, outcome: outcomes.get(signal.id) ?? null })),
    rejected,
    charts: [...charts].map(([symbol, candles]) => ({ symbol, timeframe: chartTf, candles })),
  };
}
