/**
 * Input and output shapes of the performance metrics.
 *
 * `TradeRecord` is deliberately independent of the signal and outcome types: the outcome tracker
 * and the backtester map their closed trades onto it, so the metrics never change when those do.
 * Only filled trades are trades; the caller filters out the ones that never filled.
 */

export interface TradeRecord {
  readonly id: string;
  readonly strategy: string;
  readonly symbol: string;
  readonly timeframe: string;
  /** The strategy slice: `strategy:timeframe` (e.g. `mean_reversion:4h`). */
  readonly slice: string;
  readonly direction: 'BUY' | 'SELL';
  readonly priority: string;
  readonly entryType: string;
  /** 0..1, as scored when the signal was created. */
  readonly confidence: number;
  /** Fill time, ms since the epoch. */
  readonly openTime: number;
  /** Exit time, ms since the epoch. */
  readonly closeTime: number;
  /** Realised R before costs (the price move over the stop distance). */
  readonly grossR: number;
  /** Realised R after costs (fees and slippage): what a follower of the signal earned per unit risked. */
  readonly netR: number;
  /** Realised return on the notional after costs, as a fraction (0.01 = +1 %). Assumed > -1. */
  readonly returnPct: number;
}

export interface PerformanceOptions {
  /** A figure is `reliable` when it rests on at least this many trades. Default 30. */
  readonly minTrades?: number;
  /** Resamples for the bootstrap intervals. Default 2000. */
  readonly bootstrapSamples?: number;
  /** Seed of the bootstrap PRNG, so the intervals are reproducible. Default 42. */
  readonly seed?: number;
  /** Equity before the first trade. Default 1. */
  readonly startingEquity?: number;
  /** Fraction of equity each trade risks at its stop. Default 0.01. */
  readonly riskPerTrade?: number;
  /** Open trades together risk at most this fraction of equity. Default 0.1. */
  readonly maxOpenRisk?: number;
}

export type GroupKey = 'slice' | 'strategy' | 'symbol' | 'timeframe' | 'direction' | 'priority' | 'entryType';

/** Every figure says how many trades it rests on and whether that is enough to read it. */
export interface Metric {
  readonly value: number | null;
  readonly n: number;
  readonly reliable: boolean;
}

/** A figure with its 95 % percentile-bootstrap interval; `ci95` is null when there are no trades. */
export interface IntervalMetric extends Metric {
  readonly ci95: readonly [number, number] | null;
}

/** A figure computed on the UTC-daily equity series; `days` is the length of that series. */
export interface DailyMetric extends Metric {
  readonly days: number;
}

export interface ProfitFactorMetric extends Metric {
  /** Why `value` is null: no losing return to divide by, or no trades at all. */
  readonly note: 'no_losses' | 'no_trades' | null;
}

/** Best or worst trade by return; `value` is its returnPct. */
export interface TradeExtremeMetric extends Metric {
  readonly id: string | null;
  readonly netR: number | null;
}

/**
 * The deepest fall of the equity curve from a running peak. `value` is the depth as a positive
 * fraction of the peak (0.25 = equity fell 25 % below its high), 0 when the curve never fell.
 */
export interface DrawdownMetric extends Metric {
  /** When the peak was set (the origin time if the peak is the starting equity). */
  readonly peakTime: number | null;
  /** When the deepest point was reached. */
  readonly troughTime: number | null;
  /** First time equity was back at or above the peak; null if it never recovered. */
  readonly recoveryTime: number | null;
  readonly recovered: boolean;
  /** Peak to trough. */
  readonly declineMs: number | null;
  /** Peak to recovery, or peak to the last close when not recovered (then a lower bound). */
  readonly durationMs: number | null;
}

export interface Performance {
  readonly minTrades: number;
  readonly trades: number;
  /** Net R > 0: the trade made money after costs. */
  readonly wins: number;
  /** Net R < 0. */
  readonly losses: number;
  /** Net R = 0. */
  readonly breakeven: number;
  /** The equity's risk per trade and cap on open risk. */
  readonly riskPerTrade: number;
  readonly maxOpenRisk: number;
  /** Trades that found the open-risk cap full (counted in the statistics, not in the equity). */
  readonly skippedByRiskCap: number;
  /** Trades the cap made smaller than riskPerTrade. */
  readonly reducedByRiskCap: number;
  /**
   * Net R the cap kept out of the equity: Σ (1 − fraction / riskPerTrade) × netR over the trades
   * it skipped or reduced (see equity.ts). The trade statistics count all of their R.
   */
  readonly rLeftOutByRiskCap: number;
  /** Earliest fill: the origin of the equity curve. */
  readonly firstOpenTime: number | null;
  readonly lastCloseTime: number | null;

  /** Share of trades with net R > 0, with its interval. */
  readonly winRate: IntervalMetric;
  /** Share of trades with gross R > 0 (before costs), beside it. */
  readonly grossWinRate: IntervalMetric;
  /** Σ positive net R / |Σ negative net R|: the account's profit factor at a fixed risk per trade. */
  readonly profitFactor: ProfitFactorMetric;
  /** Mean net R, with its interval: the headline. */
  readonly expectancyR: IntervalMetric;
  /** Mean gross R (before costs), with its interval, beside it. */
  readonly grossExpectancyR: IntervalMetric;
  /** Mean gross R minus mean net R: what costs took per trade, in R. */
  readonly costR: Metric;
  /** Mean net return on the notional. */
  readonly expectancyPct: Metric;
  readonly averageWinPct: Metric;
  readonly averageLossPct: Metric;
  readonly averageWinR: Metric;
  readonly averageLossR: Metric;
  readonly payoffRatio: Metric;
  readonly payoffRatioR: Metric;
  readonly bestTrade: TradeExtremeMetric;
  readonly worstTrade: TradeExtremeMetric;

  readonly totalReturn: Metric;
  readonly annualisedReturn: DailyMetric;
  readonly sharpe: DailyMetric;
  readonly sortino: DailyMetric;
  readonly maxDrawdown: DrawdownMetric;
  readonly calmar: DailyMetric;
  readonly sqn: Metric;

  readonly longestWinStreak: Metric;
  readonly longestLossStreak: Metric;
  readonly averageHoldingMs: Metric;
  readonly medianHoldingMs: Metric;
}

export interface EquityPoint {
  readonly time: number;
  readonly equity: number;
  /** Below the running peak as a positive fraction (0.1 = 10 % under the high). */
  readonly drawdown: number;
}

export interface CalibrationBucket {
  /** Inclusive. */
  readonly lower: number;
  /** Exclusive, except the last bucket which includes 1.0. */
  readonly upper: number;
  readonly trades: number;
  readonly meanConfidence: Metric;
  readonly winRate: Metric;
  /** Realised win rate minus mean confidence: negative when the engine is overconfident. */
  readonly gap: Metric;
}

export interface Calibration {
  readonly minTrades: number;
  readonly buckets: readonly CalibrationBucket[];
  /** Trades whose confidence falls outside [0, 1]. */
  readonly outside: number;
  /** Mean (confidence − won)² over the trades: 0 is perfect, 0.25 what always saying 50 % scores. */
  readonly brier: Metric;
  /** Mean −log of the probability given to what happened (confidence clipped to [1e-6, 1 − 1e-6]). */
  readonly logLoss: Metric;
}
