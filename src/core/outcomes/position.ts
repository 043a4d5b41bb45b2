import type { Signal } from '../signals/types.js';
import type { OutcomeEvent, OutcomeEventKind, PrecisionClass } from './types.js';

/** Told of every step of every followed signal as it happens (fills, targets, exits). */
export type OutcomeListener = (signal: Signal, event: OutcomeEvent) => void;

export type TargetCount = 0 | 1 | 2 | 3;

const NO_TARGETS: readonly number[] = Object.freeze([
  Number.POSITIVE_INFINITY,
  Number.POSITIVE_INFINITY,
  Number.POSITIVE_INFINITY,
]);

/**
 * One followed signal: a pending limit entry, then a position, until it closes. Prices are kept
 * in "favourable coordinates" x = sign × price (sign +1 for BUY, −1 for SELL), so that for both
 * directions the targets lie above the entry and the stop below it, and one code path serves both.
 */
export class Position {
  readonly signal: Signal;
  readonly sign: 1 | -1;
  /** Copies of the signal's times, read on every candle. */
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly entryX: number;
  readonly targetX: readonly number[];
  /** The next target not yet taken (targetX[next]), +∞ once all are taken. */
  nextTargetX: number;
  /** maxHoldingMs, +∞ when there is no limit: the quiet-candle test reads it without a null check. */
  readonly holdLimit: number;
  /**
   * A candle closing before this cannot end the signal by time: the expiry while pending, a
   * little before the time exit once filled (see `fill`).
   */
  quietUntil: number;
  /** |entry − original stop|: the unit of R. */
  readonly risk: number;
  stopX: number;
  atBreakeven = false;
  filled = false;
  fillTime = 0;
  /** Index of the next target to take; equals the number taken. */
  next: TargetCount = 0;
  remaining = 1;
  exitedFraction = 0;
  /** Σ fraction × (exitX − entryX): R and the gross return are this over risk and over entry, so they share a sign. */
  gain = 0;
  /** Σ fraction × exit price, for the exit-side costs and the mean exit price. */
  exitNotional = 0;
  worstX = 0;
  bestX = 0;
  readonly targetTime: number[] = [-1, -1, -1];
  ambiguousCandles = 0;
  /** Closed, expired or cancelled: dropped at the end of the call. */
  done = false;
  /** The last exit was a target that left nothing open. */
  closedAtTarget = false;
  readonly events: OutcomeEvent[] = [];
  /** Exit style `trailing`: the trailing distance (favourable units), 0 otherwise. */
  readonly trail: number;
  /** The best price the trailing stop has counted since the fill (favourable coordinates). */
  trailBestX = Number.NEGATIVE_INFINITY;
  /** The stop has moved from its original level by trailing. */
  trailed = false;
  // per-candle scratch, reset at the start of every candle the position is live on
  candleTopTargetX = Number.NEGATIVE_INFINITY;
  candleExitX = 0;
  /** The candle's own favourable and adverse extremes, before the touch offset (precision classes). */
  candleHiX = Number.NaN;
  candleLoX = Number.NaN;
  /**
   * How far (favourable price units) a level may be from the candle's extreme and still count as
   * reached: the touch tolerance, minus the minimum penetration; 0 for an exact touch.
   */
  touchX = 0;
  /** Levels count only on a close at or beyond them, and exit at that close. */
  confirmClose = false;
  /** Whether a level reached counts as PENETRATED (confirm `penetration`). */
  penetration = false;

  constructor(
    signal: Signal,
    readonly maxHoldingMs: number | null,
    private readonly listener: OutcomeListener | null,
  ) {
    this.signal = signal;
    this.sign = signal.direction === 'BUY' ? 1 : -1;
    this.createdAt = signal.createdAt;
    this.expiresAt = signal.expiresAt;
    const s = this.sign;
    this.entryX = s * signal.entryPrice;
    this.stopX = s * signal.stopLoss;
    const style = signal.exit?.style ?? 'targets';
    const [t1, t2, t3] = signal.takeProfits;
    // with no fixed targets the take-profit levels are guides: never taken
    this.targetX = style === 'targets' ? [s * t1, s * t2, s * t3] : NO_TARGETS;
    this.trail = style === 'trailing' ? (signal.exit?.trailDistance ?? 0) : 0;
    this.nextTargetX = this.targetX[0];
    this.holdLimit = maxHoldingMs ?? Number.POSITIVE_INFINITY;
    this.quietUntil = signal.expiresAt;
    this.risk = this.entryX - this.stopX;
  }

  push(
    kind: OutcomeEventKind,
    time: number,
    price: number,
    fraction: number,
    ambiguous: boolean,
    precision: PrecisionClass | null = null,
  ): void {
    const e: OutcomeEvent = { kind, time, price, fraction, ambiguous, precision };
    this.events.push(e);
    this.listener?.(this.signal, e);
  }

  fill(time: number): void {
    this.filled = true;
    this.fillTime = time;
    this.worstX = this.entryX;
    this.bestX = this.entryX;
    if (this.trail > 0) {
      this.trailBestX = this.entryX;
      // a candle reaching a new best moves the stop: never quiet (see OutcomeTracker.quietFor)
      this.nextTargetX = this.entryX;
    }
    this.quietUntil = timeExitBound(time, this.holdLimit);
  }

  exit(fraction: number, exitX: number): void {
    this.gain += fraction * (exitX - this.entryX);
    this.exitNotional += fraction * this.sign * exitX;
    this.exitedFraction += fraction;
  }

  /** Exits all that is still open at `exitX`; returns the fraction that was open. */
  exitRemainder(exitX: number): number {
    const fraction = this.remaining;
    this.exit(fraction, exitX);
    this.remaining = 0;
    return fraction;
  }

  /**
   * After a candle the position survived: the trailing stop follows the best price it surely saw
   * (`seenX`) at the trailing distance, and only ever moves in the trade's favour. Run after the
   * candle's levels were taken, so a candle never stops out on the stop its own high moved.
   */
  followTrail(seenX: number): void {
    if (this.trail <= 0 || !(seenX > this.trailBestX)) return;
    this.trailBestX = seenX;
    this.nextTargetX = seenX;
    const stop = seenX - this.trail;
    if (stop > this.stopX) {
      this.stopX = stop;
      this.trailed = true;
    }
  }

  /** How this candle reached a target at `levelX` (favourable coordinates). */
  targetPrecision(levelX: number): PrecisionClass {
    if (this.confirmClose) return 'CLOSE_CONFIRMED';
    if (this.penetration) return 'PENETRATED';
    return this.candleHiX >= levelX ? 'EXACT_TOUCH' : 'WITHIN_TOLERANCE';
  }

  /** How this candle reached the stop in force (favourable coordinates). */
  stopPrecision(): PrecisionClass {
    if (this.confirmClose) return 'CLOSE_CONFIRMED';
    if (this.penetration) return 'PENETRATED';
    return this.candleLoX <= this.stopX ? 'EXACT_TOUCH' : 'WITHIN_TOLERANCE';
  }

  /** Widens the excursions to the range [lo, hi] (favourable coordinates). */
  widen(lo: number, hi: number): void {
    if (lo < this.worstX) this.worstX = lo;
    if (hi > this.bestX) this.bestX = hi;
  }
}

/**
 * A bound b such that every close time t < b has t − fillTime < holdLimit as computed in floating
 * point (no time exit due), or −∞ when none is found. The bound sits 1 ms early and is checked:
 * rounding is monotone, so fl(t − fillTime) ≤ fl(b − fillTime) < holdLimit for every t < b.
 */
function timeExitBound(fillTime: number, holdLimit: number): number {
  if (holdLimit === Number.POSITIVE_INFINITY) {
    // t < +∞ with a finite fill time: t − fillTime is finite or −∞, below +∞
    return Number.isFinite(fillTime) ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }
  const bound = fillTime + holdLimit - 1;
  return bound - fillTime < holdLimit ? bound : Number.NEGATIVE_INFINITY;
}
