import type { Direction } from '../signals/types.js';

/**
 * How a tracked signal ended.
 * - TP_HIT: the whole position left at targets (all three with the default split).
 * - PARTIAL_TP: at least one target was taken, then the stop (breakeven or original) took the rest.
 * - SL_HIT: the stop took the whole position before any target.
 * - TRAILING_STOP: a trailing stop (exit style `trailing`) that had moved from the original stop closed it.
 * - TIME_EXIT: the remainder was closed at a candle's close after `maxHoldingMs`.
 * - EXPIRED: a limit entry was not touched before `expiresAt`; nothing was traded.
 * - CANCELLED: closed from outside (e.g. an opposite signal); a filled remainder exits at the given price.
 * - MANUAL_EXIT: an operator closed the filled remainder at the last price (POST /signals/{id}/close).
 */
export type OutcomeType =
  | 'TP_HIT'
  | 'PARTIAL_TP'
  | 'SL_HIT'
  | 'TRAILING_STOP'
  | 'TIME_EXIT'
  | 'EXPIRED'
  | 'CANCELLED'
  | 'MANUAL_EXIT';

/**
 * What to assume when one candle's range reaches both a level that closes the position (the stop)
 * and a target not yet taken, or, on the candle that fills a limit entry, a target whose order
 * against the fill is unknown.
 * - pessimistic: the stop before every target; on a fill candle the targets came before the fill.
 * - optimistic: the targets first; a stop the candle's range reached anyway still takes the rest after them.
 * - ohlc_path: the price went open -> the extreme nearer the open -> the other extreme -> close.
 */
export type AmbiguityPolicy = 'pessimistic' | 'optimistic' | 'ohlc_path';

/**
 * When a take-profit or stop level counts as reached (config `engine.outcomes.precision`):
 * within `toleranceBps` basis points of the entry price (or `toleranceTicks` price steps, the
 * larger) of it, on a base candle that closes at or beyond it (`close`, exiting at that close),
 * or beyond it by `minPenetrationBps` (`penetration`). Absent: an exact touch.
 */
export interface PrecisionSettings {
  readonly toleranceBps: number;
  readonly toleranceTicks: number;
  readonly confirm: 'touch' | 'close' | 'penetration';
  readonly minPenetrationBps: number;
}

/**
 * How a level event came about: the candle reached the level itself (EXACT_TOUCH), came within
 * the touch tolerance of it only (WITHIN_TOLERANCE), closed at or beyond it (CLOSE_CONFIRMED,
 * under confirm `close`), or went beyond it by the minimum penetration (PENETRATED).
 */
export type PrecisionClass = 'EXACT_TOUCH' | 'WITHIN_TOLERANCE' | 'CLOSE_CONFIRMED' | 'PENETRATED';

export interface OutcomeConfig {
  /** Fractions of the position closed at TP1, TP2, TP3: each >= 0, summing to 1. Default [0.5, 0.3, 0.2]. */
  readonly split: readonly [number, number, number];
  /** Move the stop to the entry price once TP1 is taken. Default true. */
  readonly breakevenAfterTp1: boolean;
  /** Close the remainder at the close of the first candle ending at least this long after the fill; null: never. */
  readonly maxHoldingMs: number | null;
  /** Cost per side (fees + slippage) as a fraction of the traded notional. Default 0.001. */
  readonly feePerSide: number;
  /** Default 'pessimistic'. */
  readonly policy: AmbiguityPolicy;
  /** When a level counts as reached; absent: an exact touch (see PrecisionSettings). */
  readonly precision?: PrecisionSettings;
}

export type OutcomeEventKind =
  | 'FILL'
  | 'TP1'
  | 'TP2'
  | 'TP3'
  | 'SL'
  | 'BREAKEVEN_STOP'
  | 'TRAIL_STOP'
  | 'TIME_EXIT'
  | 'EXPIRED'
  | 'CANCELLED'
  | 'MANUAL_EXIT';

/** One step of a tracked signal's life. */
export interface OutcomeEvent {
  readonly kind: OutcomeEventKind;
  /**
   * When it became known: the close time of the base candle it happened on. A MARKET_ENTRY fill
   * is at the signal's creation, EXPIRED at `expiresAt`, CANCELLED at the time given to `cancel`.
   */
  readonly time: number;
  /** The price it happened at: the level itself (no gap model), the candle close for TIME_EXIT. */
  readonly price: number;
  /** Fraction of the position traded: 1 for FILL, the split share for a target, the remainder for an exit, 0 when nothing traded. */
  readonly fraction: number;
  /** It happened on a candle whose order of levels the policy had to decide. */
  readonly ambiguous: boolean;
  /** For a target or stop (TP1..3, SL, BREAKEVEN_STOP, TRAIL_STOP): how the level was reached; null otherwise. */
  readonly precision: PrecisionClass | null;
}

/** What became of one signal, measured on base candles. Every return figure is a fraction (0.012 = 1.2 %). */
export interface Outcome {
  readonly signalId: string;
  readonly symbol: string;
  readonly direction: Direction;
  readonly type: OutcomeType;
  /** Why it closed, written for a person. */
  readonly reason: string;
  /** The policy the numbers were computed under. */
  readonly policy: AmbiguityPolicy;
  readonly createdAt: number;
  readonly entryPrice: number;
  /** The signal's original stop: the risk unit R is |entry − stopLoss|. */
  readonly stopLoss: number;
  readonly filled: boolean;
  readonly fillTime: number | null;
  /** The entry price when filled (limit orders fill at their price, also through a gap), else null. */
  readonly fillPrice: number | null;
  /** When the position was fully closed, the order expired (`expiresAt`) or the signal was cancelled. */
  readonly exitTime: number;
  /** Fraction-weighted mean exit price; null when never filled. */
  readonly averageExitPrice: number | null;
  readonly targetsHit: 0 | 1 | 2 | 3;
  /** Realised R = Σ fraction × (exit − entry) / risk, sign-adjusted for SELL, before costs; 0 when never filled. */
  readonly rMultiple: number;
  /**
   * Return on the entry notional, after costs: Σ fraction × (exit − entry) / entry (sign-adjusted)
   * minus `fees`. A fraction despite the name (0.012 = 1.2 %). 0 when never filled.
   */
  readonly returnPct: number;
  /** Costs as a fraction of the entry notional: feePerSide × (1 + Σ fraction × exit / entry). 0 when never filled. */
  readonly fees: number;
  /** Maximum adverse excursion while open, as a fraction of the entry price (≤ 0). */
  readonly mae: number;
  /** Maximum favourable excursion while open, as a fraction of the entry price (≥ 0). */
  readonly mfe: number;
  /** `mae` in R (≥ −1: the position never survives past its stop). */
  readonly maeR: number;
  /** `mfe` in R (≤ the TP3 distance in R: TP3 closes what is left). */
  readonly mfeR: number;
  /** Creation -> fill (0 for MARKET_ENTRY); null when never filled. */
  readonly timeToFillMs: number | null;
  /** Fill -> TPn; null when that target was not taken. */
  readonly timeToTp1Ms: number | null;
  readonly timeToTp2Ms: number | null;
  readonly timeToTp3Ms: number | null;
  /** Creation -> exitTime: the whole life of the signal, also when it expired or was cancelled unfilled. */
  readonly timeToExitMs: number;
  /** Fill -> exitTime; null when never filled. */
  readonly holdingMs: number | null;
  /** At least one candle's order of levels was decided by the policy. */
  readonly ambiguous: boolean;
  readonly ambiguousCandles: number;
  readonly events: readonly OutcomeEvent[];
}

/** A signal the tracker still follows, as `OutcomeTracker.open()` reports it. */
export interface TrackedSignalState {
  readonly signalId: string;
  readonly direction: Direction;
  /** pending: a limit entry waiting to be touched; filled: a position with `remaining` still open. */
  readonly state: 'pending' | 'filled';
  readonly fillTime: number | null;
  readonly targetsHit: 0 | 1 | 2 | 3;
  /** The stop in force now (the entry price after TP1 when breakevenAfterTp1). */
  readonly stop: number;
  /** Fraction of the position still open (1 while pending). */
  readonly remaining: number;
  readonly ambiguousCandles: number;
}
