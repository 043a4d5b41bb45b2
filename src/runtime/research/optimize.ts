import type { SliceState } from '../../core/learn/slice-states.js';
import { bootstrapTradeIntervals } from '../../core/metrics/bootstrap.js';
import { probabilityOfBacktestOverfitting } from '../../core/metrics/pbo.js';
import { deflatedSharpeFromTrials, sharpeRatio } from '../../core/metrics/sharpe.js';
import type { EngineConfig } from '../../core/pipeline/engine-settings.js';
import type { BaselineComparison } from '../../core/pipeline/report-types.js';
import type { StrategyRegistry } from '../../core/strategies/registry.js';
import type { BaselineMarket } from '../backtest/random-baseline.js';
import { randomEntryBaseline } from '../backtest/random-baseline.js';
import { defaultSettings, type SliceSettings, sampleTrials, searchSpace } from './search-space.js';
import { type SliceSpec, sliceName, type TrialTrade } from './trial.js';

/*
 * `alphapulse optimize`: for each slice (a family on a signal timeframe), a seeded search over
 * its declared parameter ranges, stop and exit, judged by nested walk-forward: the range is cut
 * into `folds + 1` windows of equal length; for each k ≥ 1 the trial with the best after-cost
 * objective on window k − 1 (or on every window before k, `expanding`) is chosen and its trades
 * in window k are the out-of-sample record. The concatenated record is what the slice is judged
 * on (trades, net expectancy with its bootstrap interval, percentile against random entries with
 * the same geometry, exits and costs), with the deflated Sharpe ratio for the number of trials
 * and the probability of backtest overfitting (CSCV) over the trials' weekly net R. The settings
 * written for the slice are the best trial over the whole range.
 */

/** Runs the trials of one slice (in this process, on worker threads or through a queue). */
export type TrialRunner = (slice: SliceSpec, trials: readonly SliceSettings[]) => Promise<TrialTrade[][]>;

export interface Gates {
  /** Out-of-sample trades a slice needs to be validated. */
  readonly minTrades: number;
  /** Its net expectancy's 95 % interval must lie above this (R). */
  readonly minLowerBound: number;
  /** Its percentile among the random-entry runs must reach this. */
  readonly minPercentile: number;
}

/**
 * The defaults: 60 out-of-sample trades (a ±0.25 R interval for a spread of about 1 R per trade),
 * an interval wholly above 0, and at least the random distribution's 95th percentile.
 */
export const DEFAULT_GATES: Gates = { minTrades: 60, minLowerBound: 0, minPercentile: 95 };

export interface OptimizeOptions {
  readonly engine: EngineConfig;
  readonly registry: StrategyRegistry;
  readonly slices: readonly SliceSpec[];
  readonly trials: number;
  readonly folds: number;
  readonly expanding: boolean;
  /** Trades a window's objective needs (else the trial does not count there). */
  readonly minTrades: number;
  readonly seed: number;
  /** The range the windows cut: the training part. */
  readonly from: number;
  readonly to: number;
  readonly gates: Gates;
  readonly baselineRuns: number;
  readonly market: BaselineMarket;
  readonly run: TrialRunner;
  readonly onProgress?: (slice: string, done: number, total: number) => void;
}

export interface FoldResult {
  readonly trainFrom: number;
  readonly testFrom: number;
  readonly testTo: number;
  /** Null when no trial had enough trades in the training window. */
  readonly chosenTrial: number | null;
  readonly trainObjective: number | null;
  readonly testTrades: number;
  readonly testExpectancyR: number | null;
}

export interface SliceResult {
  readonly slice: string;
  readonly trials: number;
  readonly dimensions: readonly {
    readonly name: string;
    readonly values: readonly (number | boolean | string)[];
  }[];
  readonly folds: readonly FoldResult[];
  readonly outOfSample: {
    readonly trades: number;
    readonly expectancyR: number | null;
    readonly ci95: readonly [number, number] | null;
    readonly baseline: BaselineComparison | null;
    /** DSR of the out-of-sample per-trade net R given the trials' Sharpe ratios; null when undefined. */
    readonly deflatedSharpe: { readonly benchmark: number; readonly dsr: number } | null;
  };
  readonly pbo: { readonly pbo: number; readonly blocks: number; readonly probabilityOfLoss: number } | null;
  /** The best trial over the whole range: the settings written. */
  readonly chosen: {
    readonly trial: number;
    readonly settings: SliceSettings;
    readonly trades: number;
    readonly expectancyR: number | null;
  } | null;
  readonly state: SliceState;
  /** Why the state: each gate met or missed. */
  readonly reasons: readonly string[];
}

export interface OptimizeReport {
  readonly version: 1;
  readonly range: { readonly from: number; readonly to: number };
  readonly folds: number;
  readonly expanding: boolean;
  readonly trialsPerSlice: number;
  readonly seed: number;
  readonly gates: Gates;
  readonly baselineRuns: number;
  readonly slices: readonly SliceResult[];
}

const WEEK = 7 * 86_400_000;

function mean(xs: readonly number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/** The objective of a window: mean net R of the trades created in it, or null below `minTrades`. */
function objective(
  trades: readonly TrialTrade[],
  from: number,
  to: number,
  minTrades: number,
): number | null {
  const r = trades.filter((t) => t.createdAt >= from && t.createdAt < to).map((t) => t.netR);
  return r.length >= minTrades ? mean(r) : null;
}

/** The index of the trial with the highest objective (the first of equals), or null. */
function best(
  results: readonly TrialTrade[][],
  from: number,
  to: number,
  minTrades: number,
): [number, number] | null {
  let at: [number, number] | null = null;
  results.forEach((trades, i) => {
    const o = objective(trades, from, to, minTrades);
    if (o !== null && (at === null || o > at[1])) at = [i, o];
  });
  return at;
}

/** PBO over the trials' weekly sums of net R (rows: weeks, columns: trials). */
function pboOf(results: readonly TrialTrade[][], from: number, to: number): SliceResult['pbo'] {
  const weeks = Math.floor((to - from) / WEEK);
  if (results.length < 2 || weeks < 4) return null;
  const rows = Array.from({ length: weeks }, () => new Float64Array(results.length));
  results.forEach((trades, j) => {
    for (const t of trades) {
      const w = Math.floor((t.createdAt - from) / WEEK);
      if (w >= 0 && w < weeks) rows[w][j] += t.netR;
    }
  });
  const blocks = Math.min(16, weeks - (weeks % 2));
  const r = probabilityOfBacktestOverfitting(rows, { blocks });
  return { pbo: r.pbo, blocks, probabilityOfLoss: r.probabilityOfLoss };
}

async function optimizeSlice(opts: OptimizeOptions, spec: SliceSpec, index: number): Promise<SliceResult> {
  const family = opts.registry.get(spec.family);
  if (!family)
    throw new Error(`no strategy ${spec.family}; strategies are ${opts.registry.names.join(', ')}`);
  const name = sliceName(spec);
  const dims = searchSpace(family);
  // each slice its own stream, so adding a slice never changes another's trials
  const trials = sampleTrials(
    defaultSettings(family, opts.engine, spec.timeframe),
    dims,
    opts.trials,
    opts.seed + index * 7919,
  );
  const results = await opts.run(spec, trials);
  opts.onProgress?.(name, trials.length, trials.length);

  const span = (opts.to - opts.from) / (opts.folds + 1);
  const edge = (k: number) => (k === opts.folds + 1 ? opts.to : Math.round(opts.from + k * span));
  const folds: FoldResult[] = [];
  const oos: TrialTrade[] = [];
  for (let k = 1; k <= opts.folds; k++) {
    const trainFrom = opts.expanding ? edge(0) : edge(k - 1);
    const chosen = best(results, trainFrom, edge(k), opts.minTrades);
    const test = chosen
      ? results[chosen[0]].filter((t) => t.createdAt >= edge(k) && t.createdAt < edge(k + 1))
      : [];
    oos.push(...test);
    folds.push({
      trainFrom,
      testFrom: edge(k),
      testTo: edge(k + 1),
      chosenTrial: chosen ? chosen[0] : null,
      trainObjective: chosen ? chosen[1] : null,
      testTrades: test.length,
      testExpectancyR: mean(test.map((t) => t.netR)),
    });
  }
  const netR = oos.map((t) => t.netR);
  const ci = bootstrapTradeIntervals(netR, 2000, opts.seed)?.expectancyR ?? null;
  const baseline =
    oos.length > 0 && opts.baselineRuns > 0
      ? randomEntryBaseline(
          oos.map((t) => ({ trade: t, netR: t.netR })),
          opts.market,
          opts.engine,
          { runs: opts.baselineRuns, seed: opts.seed, from: edge(1), to: opts.to },
        ).overall
      : null;
  const trialSharpes = results
    .map((trades) => sharpeRatio(trades.map((t) => t.netR)))
    .filter((s): s is number => s !== null && Number.isFinite(s));
  const deflatedSharpe = trialSharpes.length >= 2 ? deflatedSharpeFromTrials(netR, trialSharpes) : null;
  const whole = best(results, opts.from, opts.to, opts.minTrades);
  const chosen = whole
    ? {
        trial: whole[0],
        settings: trials[whole[0]],
        trades: results[whole[0]].length,
        expectancyR: whole[1],
      }
    : null;

  const g = opts.gates;
  const expectancyR = mean(netR);
  const reasons = [
    `${oos.length} out-of-sample trades ${oos.length >= g.minTrades ? '>=' : '<'} ${g.minTrades}`,
    ci
      ? `net expectancy ${expectancyR?.toFixed(3)} R, 95 % interval ${ci[0].toFixed(3)} .. ${ci[1].toFixed(3)} ${ci[0] > g.minLowerBound ? 'above' : 'not above'} ${g.minLowerBound}`
      : 'no out-of-sample trades',
    baseline?.percentile !== null && baseline?.percentile !== undefined
      ? `percentile ${baseline.percentile.toFixed(1)} against random entries ${baseline.percentile >= g.minPercentile ? '>=' : '<'} ${g.minPercentile}`
      : 'no random baseline',
  ];
  const validated =
    chosen !== null &&
    oos.length >= g.minTrades &&
    ci !== null &&
    ci[0] > g.minLowerBound &&
    baseline?.percentile !== null &&
    baseline?.percentile !== undefined &&
    baseline.percentile >= g.minPercentile;
  return {
    slice: name,
    trials: trials.length,
    dimensions: dims,
    folds,
    outOfSample: { trades: oos.length, expectancyR, ci95: ci, baseline, deflatedSharpe },
    pbo: pboOf(results, opts.from, opts.to),
    chosen,
    state: validated ? 'validated' : 'disabled',
    reasons,
  };
}

export async function optimize(opts: OptimizeOptions): Promise<OptimizeReport> {
  if (!(opts.folds >= 1)) throw new RangeError(`folds must be at least 1, got ${opts.folds}`);
  if (!(opts.trials >= 1)) throw new RangeError(`trials must be at least 1, got ${opts.trials}`);
  if (!(opts.to > opts.from)) throw new RangeError('the range is empty: --to must be after --from');
  const slices: SliceResult[] = [];
  for (const [i, spec] of opts.slices.entries()) slices.push(await optimizeSlice(opts, spec, i));
  return {
    version: 1,
    range: { from: opts.from, to: opts.to },
    folds: opts.folds,
    expanding: opts.expanding,
    trialsPerSlice: opts.trials,
    seed: opts.seed,
    gates: opts.gates,
    baselineRuns: opts.baselineRuns,
    slices,
  };
}

/**
 * The engine section optimize writes: each slice's chosen settings and every slice's state. A
 * slice without a chosen trial keeps the engine's settings and is disabled.
 */
export function optimizedEngineSection(report: OptimizeReport): {
  slices: Record<string, SliceSettings>;
  publication: { states: Record<string, SliceState> };
} {
  const slices: Record<string, SliceSettings> = {};
  const states: Record<string, SliceState> = {};
  for (const s of report.slices) {
    if (s.chosen) slices[s.slice] = s.chosen.settings;
    states[s.slice] = s.state;
  }
  return { slices, publication: { states } };
}
