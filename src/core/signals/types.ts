import type { Timeframe } from '../candles/timeframe.js';

export type Direction = 'BUY' | 'SELL';
/** A strategy family's registered name (see core/strategies/registry.ts). */
export type StrategyName = string;
export const STRATEGY_NAMES: readonly StrategyName[] = ['momentum', 'breakout', 'mean_reversion', 'scalping'];

export type SignalStatus = 'PENDING' | 'ACTIVE' | 'CLOSED' | 'EXPIRED' | 'CANCELLED';
export type EntryType = 'FIBONACCI_618' | 'EMA_PULLBACK' | 'SUPPORT_RETEST' | 'MARKET_ENTRY';
/** The design's priority bands; NONE: below LOW's bar (docs/DECISIONS.md). */
export type Priority = 'HIGH' | 'MEDIUM' | 'LOW' | 'NONE';
/** Multi-timeframe alignment band of the context score (core/ensemble/priority.ts). */
export type AlignmentBand = 'strong' | 'moderate' | 'weak' | 'opposed';
/** Risk level from the stop distance and the volatility percentile (core/risk/risk-level.ts). */
export type RiskLevel = 'low' | 'medium' | 'high';
export type VoterName = 'technical' | 'price_action' | 'regime' | 'volume';

/** What a strategy proposes before scoring, risk and the signal rules. */
export interface StrategyCandidate {
  readonly strategy: StrategyName;
  readonly direction: Direction;
  /** The strategy's own strength of the setup, 0..1. */
  readonly baseConfidence: number;
  /** Why, written for a person, e.g. "Breakout BUY: close 3,247.50 broke resistance 3,240.00 (3 touches), volume 1.8x average". */
  readonly reasons: readonly string[];
  /** Candlestick patterns at a level that confirm the setup (e.g. "engulfing +100 at support 3,180.00"). */
  readonly confirmations: readonly string[];
  /** The level the setup broke or bounced from, if any (used for SUPPORT_RETEST entries). */
  readonly level?: {
    readonly price: number;
    readonly touches: number;
    readonly kind: 'support' | 'resistance';
  };
  /** Stop distance in ATRs this strategy wants at least (scalping wants tighter stops). */
  readonly stopAtr?: number;
}

export interface Vote {
  readonly voter: VoterName;
  readonly weight: number;
  /** Agreement with the candidate's direction, 0..1. */
  readonly score: number;
  readonly reason: string;
}

/** Where a higher timeframe stood when the signal was created (closed candles only). */
export interface ContextView {
  readonly timeframe: Timeframe;
  /** Close time of the context candle the values come from; never after the signal's creation. */
  readonly asOf: number;
  readonly trend: -1 | 0 | 1;
  readonly regime: 'trending' | 'ranging' | 'unknown';
  readonly volatilityPercentile: number;
  readonly momentum: -1 | 0 | 1;
  /** Whether this timeframe agrees with the signal's direction. */
  readonly agrees: boolean;
  readonly weight: number;
}

export interface ConfidenceBreakdown {
  readonly strategyBase: number;
  readonly votes: readonly Vote[];
  /** Σ weight × score over the votes, 0..1. */
  readonly ensembleScore: number;
  /** Scale from the ensemble score to the base (config `engine.ensemble.baseScale`). */
  readonly baseScale: number;
  /** baseScale × ensembleScore: the base of the product below. */
  readonly base: number;
  readonly mtfBoost: number;
  readonly alignmentFactor: number;
  readonly volumeFactor: number;
  /** base × (1 + mtfBoost) × alignmentFactor × volumeFactor, before clamping to [0, 1]. */
  readonly product: number;
  /**
   * The seeds' formula, product clamped to [0, 1]: kept for explanation. It is the confidence
   * only when no model is loaded (`model` null); it does not predict outcomes (docs/CONFIDENCE.md).
   */
  readonly score: number;
  /** Version of the confidence model that gave `confidence`; null when it is the formula's score. */
  readonly model: string | null;
  readonly context: readonly ContextView[];
}

export interface HealthBreakdown {
  readonly dataQuality: number;
  readonly technical: number;
  readonly risk: number;
  readonly regime: number;
  readonly score: number;
}

export interface EntryOption {
  readonly type: EntryType;
  readonly price: number | null;
  readonly valid: boolean;
  readonly reason: string;
}

/** Every entry-refinement decision: what was considered, what was chosen, why. */
export interface EntryAnalysis {
  readonly entryTimeframe: Timeframe;
  readonly entryCandles: number;
  readonly marketPrice: number;
  readonly considered: readonly EntryOption[];
  readonly chosen: EntryType;
  readonly why: string;
}

/**
 * How a signal's position is meant to leave the market:
 * - `targets`: TP1..TP3 close their share of the position (engine.outcomes.split), the stop moves
 *   to the entry after TP1 (breakevenAfterTp1), the stop or the holding limit closes the rest;
 * - `trailing`: no fixed target; a stop trails the best price since the fill by `trailDistance`
 *   (a chandelier stop, only ever moving in the trade's favour), up to the holding limit;
 * - `time`: no target; the stop or the holding limit closes it.
 * With `trailing` and `time` the signal's take-profit levels are guides in R, not orders.
 */
export interface ExitPlan {
  readonly style: 'targets' | 'trailing' | 'time';
  /** `trailing`: the distance of the trailing stop from the best price since the fill (price units). */
  readonly trailDistance: number | null;
}

/**
 * The measured fill rate of this entry type in similar conditions (same entry type, signal
 * timeframe and volatility tercile), from the outcomes the pipeline has seen close so far
 * (signals and shadows): filled / (filled + expired). null rate: no such outcome yet (n 0).
 */
export interface EntryConfidence {
  readonly fillRate: number | null;
  readonly n: number;
  /** The conditions counted, e.g. "FIBONACCI_618 on 1h, volatility tercile 2 of 3". */
  readonly basis: string;
}

/** A signal of another timeframe that agreed and was merged into this one (engine.merge). */
export interface MergedEvidence {
  readonly signalId: string;
  readonly timeframe: Timeframe;
  readonly strategy: StrategyName;
  readonly createdAt: number;
  readonly confidence: number;
}

export interface Signal {
  /** Derived from (symbol, signal timeframe, strategy, direction, candle time): reruns give the same id. */
  readonly id: string;
  readonly symbol: string;
  readonly direction: Direction;
  readonly timeframe: Timeframe;
  readonly entryTimeframe: Timeframe;
  readonly strategy: StrategyName;
  readonly entryType: EntryType;
  readonly entryPrice: number;
  readonly stopLoss: number;
  readonly takeProfits: readonly [number, number, number];
  readonly rewardRisk: number;
  /** How the position exits (absent on signals stored before exit styles existed: `targets`). */
  readonly exit?: ExitPlan;
  readonly confidence: number;
  readonly breakdown: ConfidenceBreakdown;
  readonly health: HealthBreakdown;
  readonly priority: Priority;
  // alignment, riskLevel, entryConfidence, processingMs, entryValidMs and maxHoldingMs: the
  // pipeline sets them all; they are absent only on signals stored before they existed
  /** The multi-timeframe alignment band the priority read (core/ensemble/priority.ts). */
  readonly alignment?: AlignmentBand;
  /** low / medium / high from the stop distance and the volatility percentile (core/risk/risk-level.ts). */
  readonly riskLevel?: RiskLevel;
  /** The measured fill rate of this entry type in similar conditions, with n. */
  readonly entryConfidence?: EntryConfidence;
  /**
   * Candle close to signal, in ms, measured where the live runtime stores it; null in backtests
   * and replays of stored candles (the core reads no clock).
   */
  readonly processingMs?: number | null;
  /** Signals of other timeframes merged into this one as evidence (engine.merge); absent when none. */
  readonly evidence?: readonly MergedEvidence[];
  readonly reasons: readonly string[];
  readonly entryAnalysis: EntryAnalysis;
  /**
   * Whether the signal was published: its slice (strategy:timeframe) was validated when it was
   * created. Unpublished signals are stored and tracked like every other, not delivered.
   */
  readonly published: boolean;
  /** What the confidence model reads: the candidate's features at creation (core/learn/features.ts). */
  readonly features: Readonly<Record<string, number>>;
  /** Close time of the candle that produced the signal (ms). */
  readonly createdAt: number;
  /** End of the entry validity: a limit entry not filled by then expires (createdAt + entryValidMs). */
  readonly expiresAt: number;
  /** Entry validity: how long a pending limit entry may wait to fill (config entryValidity, default 2 h). */
  readonly entryValidMs?: number;
  /** Holding horizon: TIME_EXIT this long after the fill; null: none. */
  readonly maxHoldingMs?: number | null;
  readonly status: SignalStatus;
  /** When the status last changed (candle time), and why. */
  readonly statusAt: number;
  readonly statusReason: string;
}

export type RejectionReason =
  | 'low_confidence'
  | 'low_health'
  | 'low_reward_risk'
  | 'cost_dominated'
  | 'invalid_risk'
  | 'duplicate'
  | 'cooldown'
  | 'merged';

/** A candidate the signal rules filtered out, kept so its would-be outcome can be tracked. */
export interface RejectedCandidate {
  /** The id the signal would have had. */
  readonly id: string;
  readonly reason: RejectionReason;
  readonly detail: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly strategy: StrategyName;
  readonly direction: Direction;
  readonly createdAt: number;
  /** The would-be signal when it got far enough to have prices, else null. */
  readonly signal: Signal | null;
}
