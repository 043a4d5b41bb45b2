import type { Timeframe } from '../candles/timeframe.js';
import type { Calibration, EquityPoint, GroupKey, Performance } from '../metrics/types.js';
import type { Outcome } from '../outcomes/types.js';
import type { Signal } from '../signals/types.js';
import type { EngineConfig } from './engine-settings.js';

/**
 * The backtest report (`alphapulse backtest --json`). Version 1. Deterministic: the same
 * candles and config give a byte-identical report (no wall-clock time in it).
 *
 * All returns are fractions (0.012 = +1.2 %); times are Unix ms UTC. Every metric is
 * `{ value, n, reliable }` where n is the number of trades it rests on and `reliable` is
 * n >= minTrades (see ./types.ts for each metric's definition).
 */
/** Which confidence model gave the signals' confidence (engine.confidence.model, resolved). */
export interface ConfidenceModelUsed {
  /** Where it came from: store, shipped, a file, or none. */
  readonly source: string;
  /** Its version; null: the formula's score. */
  readonly version: string | null;
  /** The model a drift would fall back to; null: the formula. */
  readonly fallback: string | null;
  /**
   * Every drift the watch declared during the run (warm-up included), in order: from then on the
   * confidence came from `to` (null: the formula), so figures after it are not the model's.
   */
  readonly drifts: readonly ModelDriftRecord[];
}

export interface ModelDriftRecord {
  /** Candle time of the declaration (ms). */
  readonly at: number;
  readonly from: string;
  readonly to: string | null;
  readonly reasons: readonly string[];
}

export interface BacktestReport {
  readonly version: 2;
  /** The engine configuration the run used. */
  readonly config: EngineConfig;
  /** Per symbol: the input and the base candles fed. */
  readonly data: readonly SymbolRange[];
  /** Signals reported were created in [from, to). */
  readonly range: { readonly from: number | null; readonly to: number | null };
  /** The costs every figure is after: fee and slippage per side, and their round trip. */
  readonly costs: {
    readonly feePerSide: number;
    readonly slippagePerSide: number;
    readonly roundTrip: number;
  };
  /** The equity's risk per trade and cap on open risk. */
  readonly sizing: { readonly riskPerTrade: number; readonly maxOpenRisk: number };
  /** The confidence model the run used. */
  readonly confidenceModel: ConfidenceModelUsed;
  readonly counts: {
    readonly baseCandles: number;
    readonly signals: number;
    /** Filtered candidates by reason. */
    readonly rejected: Readonly<Record<string, number>>;
    /** Outcomes of created signals by type (configured policy). */
    readonly outcomes: Readonly<Record<string, number>>;
    /** Signals still PENDING or ACTIVE when the data ended (no outcome yet). */
    readonly openAtEnd: number;
    /** Filled trades the metrics rest on. */
    readonly trades: number;
  };
  /** The ambiguity policy the headline metrics use. */
  readonly policy: string;
  readonly overall: Performance;
  readonly groups: Readonly<Record<GroupKey, Readonly<Record<string, Performance>>>>;
  readonly calibration: Calibration;
  readonly ambiguity: {
    /** Outcomes in which at least one base candle touched both a target and the stop. */
    readonly ambiguousOutcomes: number;
    readonly ambiguousCandles: number;
    /** The headline figures recomputed with stop-first and with targets-first resolution. */
    readonly pessimistic: PolicySummary;
    readonly optimistic: PolicySummary;
  };
  /** What the filters saved or cost: the would-be trades of filtered candidates, by reason. */
  readonly filtered: {
    readonly overall: PolicySummary;
    readonly byReason: Readonly<Record<string, PolicySummary>>;
  };
  /**
   * Every refined (limit) entry against its market-entry counterfactual (the design's claim that
   * refinement gains 20-30 %), whatever the answer. Absent from reports stored before it.
   */
  readonly entries?: EntryComparison;
  /**
   * The TP/SL precision rule in force, how each level was reached, and the headline figures
   * replayed with the exact touch (null when the rule is the exact touch). Absent before it existed.
   */
  readonly precision?: PrecisionReport;
  /** Equity curve of the headline trades (for charts). */
  readonly equity: readonly EquityPoint[];
  /** Present with --walk-forward n: consecutive windows of equal length by signal creation time. */
  readonly walkForward: readonly WalkForwardWindow[] | null;
  /**
   * What the signals are compared with: entries at random times with the same geometry, exits
   * and costs (null when skipped), and buying and holding every symbol over the range.
   */
  readonly baseline: {
    readonly random: RandomBaseline | null;
    readonly buyAndHold: BuyAndHold;
  };
}

/** What the real trades did against the random runs, for one slice or for all. */
export interface BaselineComparison {
  readonly trades: number;
  /** Mean net R of the real trades. */
  readonly expectancyR: number | null;
  /** Mean of the runs' mean net R, and its 5th, 50th and 95th percentiles. */
  readonly randomMean: number | null;
  readonly randomP05: number | null;
  readonly randomP50: number | null;
  readonly randomP95: number | null;
  /** Share of runs whose mean net R is below the real one (ties count half), 0..100. */
  readonly percentile: number | null;
  /** Runs that produced at least one closed random trade for this group. */
  readonly runs: number;
}

export interface RandomBaseline {
  readonly runs: number;
  readonly seed: number;
  readonly overall: BaselineComparison;
  /** By slice (`strategy:timeframe`). */
  readonly slices: Readonly<Record<string, BaselineComparison>>;
}

/** Buy-and-hold over the reported range, after one round trip of costs. */
export interface BuyAndHold {
  readonly bySymbol: Readonly<
    Record<string, { readonly from: number; readonly to: number; readonly return: number }>
  >;
  /** Equal-weight mean of the symbols' returns. */
  readonly pooled: number | null;
}

export interface SymbolRange {
  readonly symbol: string;
  readonly source: string;
  readonly timeframe: Timeframe;
  readonly candles: number;
  readonly first: number | null;
  readonly last: number | null;
}

/** The few headline figures, for comparing policies, filters and windows side by side. */
export interface PolicySummary {
  readonly trades: number;
  readonly winRate: number | null;
  readonly expectancyR: number | null;
  readonly profitFactor: number | null;
  readonly totalReturn: number | null;
  readonly maxDrawdown: number | null;
  readonly reliable: boolean;
}

export interface WalkForwardWindow {
  readonly from: number;
  readonly to: number;
  readonly signals: number;
  readonly performance: Performance;
}

/** One line of `--signals-out`: a signal and what became of it. */
export interface SignalWithOutcome {
  readonly signal: Signal;
  /** Null only when the data ended while the signal was still live (`openAtEnd`). */
  readonly outcome: Outcome | null;
}

/** Refined minus market over a set of signal pairs (net R after costs; an unfilled limit is 0 R). */
export interface EntryDelta {
  readonly n: number;
  readonly refinedR: number | null;
  readonly marketR: number | null;
  /** Mean of refined − market net R, with its paired 95 % bootstrap interval. */
  readonly deltaR: number | null;
  readonly deltaRInterval: readonly [number, number] | null;
  readonly refinedWinRate: number | null;
  readonly marketWinRate: number | null;
  readonly deltaWinRate: number | null;
  readonly deltaWinRateInterval: readonly [number, number] | null;
}

export interface EntryComparison {
  /** Signals created with a refined entry. */
  readonly refinedSignals: number;
  /** Those whose refined and market outcomes both closed inside the data. */
  readonly compared: number;
  /** Share of the compared refined entries that filled. */
  readonly fillRate: number | null;
  /** Every compared signal (an unfilled limit counts 0 R, not a win). */
  readonly perSignal: EntryDelta;
  /** Only the refined entries that filled, against their twins. */
  readonly filledOnly: EntryDelta;
  readonly byEntryType: Readonly<Record<string, EntryDelta>>;
}

export interface PrecisionReport {
  /** engine.outcomes.precision of the run. */
  readonly rule: {
    readonly toleranceBps: number;
    readonly toleranceTicks: number;
    readonly confirm: string;
    readonly minPenetrationBps: number;
  };
  /** Target and stop events of the outcomes, by precision class. */
  readonly eventsByClass: Readonly<Record<string, number>>;
  /** The headline figures under the rule, and replayed with the exact touch (null: the rule is it). */
  readonly configured: PolicySummary;
  readonly exactTouch: PolicySummary | null;
}
