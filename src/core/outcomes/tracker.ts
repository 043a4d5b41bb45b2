import type { Candle } from '../candles/candle.js';
import { priceOrderBreach, priceOrderText } from '../signals/prices.js';
import type { Signal } from '../signals/types.js';
import { resolveOutcomeConfig } from './config.js';
import type {
  Outcome,
  OutcomeConfig,
  OutcomeEvent,
  OutcomeEventKind,
  OutcomeType,
  TrackedSignalState,
} from './types.js';

const NO_OUTCOMES: readonly Outcome[] = Object.freeze([]);
const TARGET_EVENTS: readonly OutcomeEventKind[] = ['TP1', 'TP2', 'TP3'];

type TargetCount = 0 | 1 | 2 | 3;

/** Told of every step of every followed signal as it happens (fills, targets, exits). */
export type OutcomeListener = (signal: Signal, event: OutcomeEvent) => void;

/** How the tracker runs; none of it changes a result. */
export interface OutcomeTrackerOptions {
  /**
   * Skip the general step on candles where nothing can happen to a signal (see
   * `OutcomeTracker.onCandle`). Default true; false sends every candle down the general path,
   * so tests can prove the shortcut changes nothing.
   */
  readonly quietShortcut?: boolean;
}

/**
 * One followed signal. Prices are kept in "favourable coordinates" x = sign × price
 * (sign +1 for BUY, −1 for SELL), so that for both directions the targets lie above the entry
 * and the stop below it, and one code path serves both.
 */
class Tracked {
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
  // per-candle scratch, reset at the start of every candle the position is live on
  candleTopTargetX = Number.NEGATIVE_INFINITY;
  candleExitX = 0;

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
    const [t1, t2, t3] = signal.takeProfits;
    this.targetX = [s * t1, s * t2, s * t3];
    this.nextTargetX = this.targetX[0];
    this.holdLimit = maxHoldingMs ?? Number.POSITIVE_INFINITY;
    this.quietUntil = signal.expiresAt;
    this.risk = this.entryX - this.stopX;
  }

  push(kind: OutcomeEventKind, time: number, price: number, fraction: number, ambiguous: boolean): void {
    const e: OutcomeEvent = { kind, time, price, fraction, ambiguous };
    this.events.push(e);
    this.listener?.(this.signal, e);
  }

  fill(time: number): void {
    this.filled = true;
    this.fillTime = time;
    this.worstX = this.entryX;
    this.bestX = this.entryX;
    this.quietUntil = timeExitBound(time, this.holdLimit);
  }

  exit(fraction: number, exitX: number): void {
    this.gain += fraction * (exitX - this.entryX);
    this.exitNotional += fraction * this.sign * exitX;
    this.exitedFraction += fraction;
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

/** Time from the fill to target k, null when not taken. */
function timeToTarget(p: Tracked, k: number): number | null {
  const t = p.targetTime[k];
  return t < 0 ? null : t - p.fillTime;
}

/** The signal fields behind each price level, for the messages. */
const PRICE_NAMES = ['stopLoss', 'entryPrice', 'takeProfits[0]', 'takeProfits[1]', 'takeProfits[2]'];

function checkSignal(s: Signal): void {
  const breach = priceOrderBreach(s.direction, s);
  if (breach !== null) {
    const name = PRICE_NAMES[breach.level];
    if (breach.rule === 'not_a_price') {
      throw new RangeError(`signal ${s.id}: ${name} must be a positive finite price, got ${breach.price}`);
    }
    throw new RangeError(
      `signal ${s.id}: ${name} ${breach.price} breaks the order ${priceOrderText(s.direction)}`,
    );
  }
  if (!Number.isFinite(s.createdAt)) throw new RangeError(`signal ${s.id}: createdAt must be finite`);
  if (!Number.isFinite(s.expiresAt)) throw new RangeError(`signal ${s.id}: expiresAt must be finite`);
}

/**
 * Follows the signals of one symbol from creation to outcome, on closed base candles in time order.
 *
 * Timing: a signal exists from the close of the candle that produced it (`createdAt`), so the
 * first candle that can fill or close it is the one opening at `createdAt`; earlier candles are
 * ignored for it. A MARKET_ENTRY is filled at `createdAt` at its entry price. A limit entry
 * (every other entry type) fills at its price on the first candle that opens before `expiresAt`
 * and touches it (BUY: low ≤ entry; SELL: high ≥ entry); otherwise it expires at `expiresAt`,
 * reported on the first candle closing at or after it. Events are dated at the close of the
 * candle they happened on, the earliest time they are known.
 *
 * Exits: TP1..TP3 close their split fractions at the target prices; after TP1 the stop moves to
 * the entry when `breakevenAfterTp1`; the stop closes the remainder at the stop price; after
 * `maxHoldingMs` the remainder closes at the candle's close. Every level fills at its own price,
 * also when a candle gaps through it: there is no gap-slippage model beyond `feePerSide`.
 *
 * Ambiguity: the tracker runs on base candles (1m), so most of what a signal-timeframe candle
 * hides (did the hour touch TP1 or the stop first?) is already resolved by the minutes inside
 * it. What is left is a single base candle whose range holds both a target not yet taken and a
 * stop (the stop in force at its open, or the breakeven stop TP1 would set), or that fills a
 * limit entry and also reaches a target. Those candles are flagged and counted, and the
 * configured policy decides (see `AmbiguityPolicy`). A candle reaching a limit entry and its stop
 * is not ambiguous: the stop lies beyond the entry, so the price passed the entry first.
 *
 * Excursions (MAE/MFE) count only prices the position surely saw while open: the whole range of
 * a candle held from open to close; on a candle where a limit fills inside the range, the
 * adverse extreme (reachable only through the entry) but, on the favourable side, only the
 * targets taken and the close, since the high (BUY) may have come before the fill; on a candle
 * where a stop or TP3 closes it, the open, the targets taken and the exit level, since the rest of
 * the range may have come after the exit.
 *
 * No allocation on a candle where nothing happens: `onCandle` then returns one shared empty array.
 *
 * Cost: a candle that can change nothing but excursions for any followed signal costs a few
 * comparisons in all; otherwise it visits every signal, and a signal it cannot touch costs a few
 * comparisons more (see `onCandle`). The general step runs only where something may happen.
 */
export class OutcomeTracker {
  readonly config: OutcomeConfig;
  private readonly tracked: Tracked[] = [];
  private readonly byId = new Map<string, Tracked>();
  private symbolName: string | null = null;
  /** rest[k]: fraction still open after k targets. */
  private readonly rest: readonly [number, number, number, number];

  private readonly listener: OutcomeListener | null;
  private readonly quietShortcut: boolean;
  // Quiet for all (see onCandle): a candle with openTime >= quietFrom, closeTime < quietBefore,
  // low > quietLowAbove and high < quietHighBelow is quiet for every followed signal. Signals
  // removed since the bounds were computed only make them stricter than needed.
  private quietFrom = Number.NEGATIVE_INFINITY;
  private quietBefore = Number.POSITIVE_INFINITY;
  private quietLowAbove = Number.NEGATIVE_INFINITY;
  private quietHighBelow = Number.POSITIVE_INFINITY;
  /** Lowest low and highest high of the candles skipped as quiet for all, not yet applied. */
  private skippedLow = Number.POSITIVE_INFINITY;
  private skippedHigh = Number.NEGATIVE_INFINITY;

  constructor(
    config: Partial<OutcomeConfig> = {},
    listener?: OutcomeListener,
    options: OutcomeTrackerOptions = {},
  ) {
    this.config = resolveOutcomeConfig(config);
    this.listener = listener ?? null;
    this.quietShortcut = options.quietShortcut ?? true;
    const [, b, c] = this.config.split;
    this.rest = [1, b + c, c, 0];
  }

  /** The symbol of the signals followed; fixed by the first `track`. */
  get symbol(): string | null {
    return this.symbolName;
  }

  get size(): number {
    return this.tracked.length;
  }

  /**
   * Starts following a signal. `maxHoldingMs` overrides the configured holding limit for this
   * signal (e.g. a number of candles of its own timeframe).
   */
  track(signal: Signal, maxHoldingMs: number | null = this.config.maxHoldingMs): void {
    if (this.symbolName !== null && signal.symbol !== this.symbolName) {
      throw new RangeError(
        `OutcomeTracker follows ${this.symbolName}, got signal ${signal.id} of ${signal.symbol}`,
      );
    }
    if (this.byId.has(signal.id)) throw new RangeError(`signal ${signal.id} is already tracked`);
    checkSignal(signal);
    this.symbolName = signal.symbol;
    if (maxHoldingMs !== null && !(maxHoldingMs > 0)) {
      throw new RangeError(`maxHoldingMs must be > 0 or null, got ${maxHoldingMs}`);
    }
    // the candles skipped so far belong to the signals followed so far
    this.applySkipped();
    const p = new Tracked(signal, maxHoldingMs, this.listener);
    if (signal.entryType === 'MARKET_ENTRY') {
      p.fill(signal.createdAt);
      p.push('FILL', signal.createdAt, signal.entryPrice, 1, false);
    }
    this.tracked.push(p);
    this.byId.set(signal.id, p);
    this.foldQuietForAll(p);
  }

  /**
   * Applies one closed base candle (`closeTime` = its close) to every followed signal and returns
   * the outcomes that closed on it, in the order the signals were tracked.
   *
   * Most candles change nothing for a signal but its excursions. Such a candle is "quiet" for it:
   * - a candle opening before the signal existed (nothing at all happens);
   * - a pending limit the candle does not reach, before its expiry (what `step` returns at once);
   * - a filled position whose candle stays strictly between the stop and the next target, with
   *   no time exit due: only the excursions widen (to the low and the high, as on any candle held
   *   from open to close). Every policy agrees there: open, extremes and close all lie in
   *   [low, high], so no path reaches a level, none takes a target or stops out, and with no
   *   target in range the candle is not ambiguous.
   * Quiet signals skip the general `step` (`quietFor`). Beyond that, a candle within the bounds
   * every followed signal sets (`foldQuietForAll`) is quiet for all of them at once and is not
   * walked signal by signal: its low and high are kept and applied to the excursions before
   * anything next reads or changes a signal (`applySkipped`); the lowest of the lows is what
   * applying each low in turn gives, and likewise the highs. Any NaN fails every test and takes
   * the general path.
   */
  onCandle(candle: Candle, closeTime: number): readonly Outcome[] {
    const shortcut = this.quietShortcut;
    const openTime = candle.openTime;
    const low = candle.low;
    const high = candle.high;
    if (
      shortcut &&
      openTime >= this.quietFrom &&
      closeTime < this.quietBefore &&
      low > this.quietLowAbove &&
      high < this.quietHighBelow
    ) {
      if (low < this.skippedLow) this.skippedLow = low;
      if (high > this.skippedHigh) this.skippedHigh = high;
      return NO_OUTCOMES;
    }
    this.applySkipped();
    this.resetQuietForAll();
    const list = this.tracked;
    // the candle's extremes in favourable coordinates, for BUY (+) and SELL (−) positions
    const loSell = -high;
    const hiSell = -low;
    let out: Outcome[] | null = null;
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      if (
        !shortcut ||
        !this.quietFor(p, openTime, closeTime, p.sign > 0 ? low : loSell, p.sign > 0 ? high : hiSell)
      ) {
        const closed = this.step(p, candle, closeTime);
        if (closed !== null) {
          if (out === null) out = [];
          out.push(closed);
        }
      }
      if (!p.done) this.foldQuietForAll(p);
    }
    if (out === null) return NO_OUTCOMES;
    this.compact();
    return out;
  }

  /**
   * When the candle (`lo`, `hi` in p's favourable coordinates) is quiet for `p` (see `onCandle`),
   * applies it (the excursions) and returns true; otherwise changes nothing and returns false.
   * Each test is the negation of the one in `step` / `isAmbiguous` / the resolvers it skips.
   */
  private quietFor(p: Tracked, openTime: number, closeTime: number, lo: number, hi: number): boolean {
    if (openTime < p.createdAt) return true;
    if (!p.filled) return closeTime < p.expiresAt && !(openTime < p.expiresAt && lo <= p.entryX);
    if (lo > p.stopX && hi < p.nextTargetX && closeTime - p.fillTime < p.holdLimit) {
      if (lo < p.worstX) p.worstX = lo;
      if (hi > p.bestX) p.bestX = hi;
      return true;
    }
    return false;
  }

  /** Empties the quiet-for-all bounds: with no signal every candle is quiet. */
  private resetQuietForAll(): void {
    this.quietFrom = Number.NEGATIVE_INFINITY;
    this.quietBefore = Number.POSITIVE_INFINITY;
    this.quietLowAbove = Number.NEGATIVE_INFINITY;
    this.quietHighBelow = Number.POSITIVE_INFINITY;
  }

  /**
   * Narrows the quiet-for-all bounds to what `quietFor(p)` needs, in raw prices: a candle within
   * them passes `quietFor(p)` as a filled or pending signal without the "not yet created" case.
   * A SELL's favourable coordinates are negated prices, so its levels bound the other side
   * (x > stopX ⇔ price < −stopX, exactly). The time bound is `p.quietUntil`.
   */
  private foldQuietForAll(p: Tracked): void {
    if (p.createdAt > this.quietFrom) this.quietFrom = p.createdAt;
    if (p.quietUntil < this.quietBefore) this.quietBefore = p.quietUntil;
    // lowest level (favourable coordinates) the candle's adverse extreme must stay above, and the
    // level its favourable extreme must stay below
    const floorX = p.filled ? p.stopX : p.entryX;
    const ceilX = p.filled ? p.nextTargetX : Number.POSITIVE_INFINITY;
    if (p.sign > 0) {
      if (floorX > this.quietLowAbove) this.quietLowAbove = floorX;
      if (ceilX < this.quietHighBelow) this.quietHighBelow = ceilX;
    } else {
      if (-floorX < this.quietHighBelow) this.quietHighBelow = -floorX;
      if (-ceilX > this.quietLowAbove) this.quietLowAbove = -ceilX;
    }
  }

  /** Widens the filled signals' excursions by the candles skipped as quiet for all. */
  private applySkipped(): void {
    const low = this.skippedLow;
    const high = this.skippedHigh;
    if (low === Number.POSITIVE_INFINITY && high === Number.NEGATIVE_INFINITY) return;
    this.skippedLow = Number.POSITIVE_INFINITY;
    this.skippedHigh = Number.NEGATIVE_INFINITY;
    const list = this.tracked;
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      if (!p.filled) continue;
      const lo = p.sign > 0 ? low : -high;
      const hi = p.sign > 0 ? high : -low;
      if (lo < p.worstX) p.worstX = lo;
      if (hi > p.bestX) p.bestX = hi;
    }
  }

  /**
   * Closes a followed signal from outside. A pending entry is withdrawn (nothing traded); a filled
   * remainder exits at `price`. Returns null when the signal is not (or no longer) followed,
   * e.g. it closed on the same candle.
   */
  cancel(signalId: string, time: number, price: number, reason: string): Outcome | null {
    const p = this.byId.get(signalId);
    if (p === undefined) return null;
    this.applySkipped();
    if (p.filled) {
      if (!Number.isFinite(price) || price <= 0) {
        throw new RangeError(`cancel ${signalId}: price must be a positive finite price, got ${price}`);
      }
      const x = p.sign * price;
      if (x < p.worstX) p.worstX = x;
      if (x > p.bestX) p.bestX = x;
      const fraction = p.remaining;
      p.exit(fraction, x);
      p.remaining = 0;
      p.push('CANCELLED', time, price, fraction, false);
    } else {
      p.push('CANCELLED', time, p.signal.entryPrice, 0, false);
    }
    const outcome = this.outcome(p, 'CANCELLED', time, reason);
    this.compact();
    return outcome;
  }

  /** The signals still followed, with their state now. */
  open(): TrackedSignalState[] {
    return this.tracked.map((p) => ({
      signalId: p.signal.id,
      direction: p.signal.direction,
      state: p.filled ? 'filled' : 'pending',
      fillTime: p.filled ? p.fillTime : null,
      targetsHit: p.next,
      stop: p.sign * p.stopX,
      remaining: p.remaining,
      ambiguousCandles: p.ambiguousCandles,
    }));
  }

  private compact(): void {
    const list = this.tracked;
    let w = 0;
    for (let r = 0; r < list.length; r++) {
      const p = list[r];
      if (p.done) this.byId.delete(p.signal.id);
      else list[w++] = p;
    }
    list.length = w;
  }

  /** Advances one signal by one candle; returns its outcome when it closed on this candle. */
  private step(p: Tracked, c: Candle, closeTime: number): Outcome | null {
    const s = p.signal;
    if (c.openTime < s.createdAt) return null;
    const sign = p.sign;
    const o = sign * c.open;
    const cl = sign * c.close;
    const hi = sign > 0 ? c.high : -c.low;
    const lo = sign > 0 ? c.low : -c.high;

    let heldFromOpen = p.filled;
    let filledNow = false;
    if (!p.filled) {
      const canFill = c.openTime < s.expiresAt && lo <= p.entryX;
      if (!canFill) {
        if (closeTime < s.expiresAt) return null;
        p.push('EXPIRED', s.expiresAt, s.entryPrice, 0, false);
        return this.outcome(p, 'EXPIRED', s.expiresAt, `entry ${s.entryPrice} not touched before expiry`);
      }
      p.fill(closeTime);
      filledNow = true;
      // a limit the open already reached filled at the open: the whole candle follows the fill
      heldFromOpen = o <= p.entryX;
    }

    const ambiguous = this.isAmbiguous(p, hi, lo, heldFromOpen);
    if (ambiguous) p.ambiguousCandles++;
    if (filledNow) p.push('FILL', closeTime, s.entryPrice, 1, ambiguous && !heldFromOpen);

    p.candleTopTargetX = Number.NEGATIVE_INFINITY;
    const stopAtOpen = p.stopX;
    const policy = this.config.policy;
    if (policy === 'pessimistic') this.resolvePessimistic(p, hi, lo, heldFromOpen, closeTime, ambiguous);
    else if (policy === 'optimistic') this.resolveOptimistic(p, hi, lo, cl, closeTime, ambiguous);
    else this.resolvePath(p, c, o, heldFromOpen, closeTime, ambiguous);

    const exitedOnLevel = p.remaining === 0;
    if (heldFromOpen && !exitedOnLevel) {
      if (lo < p.worstX) p.worstX = lo;
      if (hi > p.bestX) p.bestX = hi;
    } else {
      const start = heldFromOpen ? o : p.entryX;
      const end = exitedOnLevel ? p.candleExitX : cl;
      let top = start > end ? start : end;
      if (p.candleTopTargetX > top) top = p.candleTopTargetX;
      let bottom = start < end ? start : end;
      if (!heldFromOpen && !exitedOnLevel && lo < bottom) bottom = lo;
      // an open gapped beyond the stop or TP3 is not seen: the position left at the level
      if (bottom < stopAtOpen) bottom = stopAtOpen;
      if (top > p.targetX[2]) top = p.targetX[2];
      if (bottom < p.worstX) p.worstX = bottom;
      if (top > p.bestX) p.bestX = top;
    }

    if (exitedOnLevel) return this.closedOnLevel(p, closeTime);

    const maxHold = p.maxHoldingMs;
    if (maxHold !== null && closeTime - p.fillTime >= maxHold) {
      const fraction = p.remaining;
      p.exit(fraction, cl);
      p.remaining = 0;
      p.push('TIME_EXIT', closeTime, c.close, fraction, false);
      const held = closeTime - p.fillTime;
      return this.outcome(p, 'TIME_EXIT', closeTime, `held ${held / 60_000} min, closed at ${c.close}`);
    }
    return null;
  }

  /**
   * The candle's range holds a target not yet taken together with something whose order against
   * it decides the result: the stop in force at the open, the breakeven stop TP1 would set, or
   * (on a fill inside the range) the fill itself.
   */
  private isAmbiguous(p: Tracked, hi: number, lo: number, heldFromOpen: boolean): boolean {
    if (p.next >= 3 || hi < p.targetX[p.next]) return false;
    if (!heldFromOpen || lo <= p.stopX) return true;
    return this.config.breakevenAfterTp1 && p.next === 0 && lo <= p.entryX;
  }

  private takeTarget(p: Tracked, time: number, ambiguous: boolean): void {
    const k: number = p.next;
    const fraction = this.config.split[k];
    const x = p.targetX[k];
    p.exit(fraction, x);
    p.targetTime[k] = time;
    p.next = (k + 1) as TargetCount;
    p.nextTargetX = k + 1 < 3 ? p.targetX[k + 1] : Number.POSITIVE_INFINITY;
    p.remaining = this.rest[k + 1];
    if (x > p.candleTopTargetX) p.candleTopTargetX = x;
    if (k === 0 && this.config.breakevenAfterTp1) {
      p.stopX = p.entryX;
      p.atBreakeven = true;
    }
    p.push(TARGET_EVENTS[k], time, p.sign * x, fraction, ambiguous);
    if (p.remaining === 0) {
      p.candleExitX = x;
      p.closedAtTarget = true;
    }
  }

  private stopOut(p: Tracked, time: number, ambiguous: boolean): void {
    const fraction = p.remaining;
    p.exit(fraction, p.stopX);
    p.remaining = 0;
    p.candleExitX = p.stopX;
    p.push(p.atBreakeven ? 'BREAKEVEN_STOP' : 'SL', time, p.sign * p.stopX, fraction, ambiguous);
  }

  /**
   * The stop before each target: a stop the range reaches is hit first; after a target the
   * (possibly moved) stop is tried again before the next one. On a candle that fills a limit
   * inside its range, the targets are taken to have come before the fill.
   */
  private resolvePessimistic(
    p: Tracked,
    hi: number,
    lo: number,
    heldFromOpen: boolean,
    time: number,
    ambiguous: boolean,
  ): void {
    if (!heldFromOpen) {
      if (lo <= p.stopX) this.stopOut(p, time, ambiguous);
      return;
    }
    for (;;) {
      if (lo <= p.stopX) {
        this.stopOut(p, time, ambiguous);
        return;
      }
      if (p.next >= 3 || hi < p.targetX[p.next]) return;
      this.takeTarget(p, time, ambiguous);
      if (p.remaining === 0) return;
    }
  }

  /**
   * The targets first. A stop the range reached from the open is still hit afterwards, at the stop
   * then in force (the range proves the price went there); a stop moved to breakeven on this
   * candle is hit only when the close is at or beyond it (the price surely ended there), since the
   * low may have come before TP1.
   */
  private resolveOptimistic(
    p: Tracked,
    hi: number,
    lo: number,
    cl: number,
    time: number,
    ambiguous: boolean,
  ): void {
    const stopAtOpen = p.stopX;
    const stopReached = lo <= stopAtOpen;
    while (p.next < 3 && hi >= p.targetX[p.next]) {
      this.takeTarget(p, time, ambiguous);
      if (p.remaining === 0) return;
    }
    if (stopReached || (p.stopX !== stopAtOpen && cl <= p.stopX)) this.stopOut(p, time, ambiguous);
  }

  /**
   * Walks open -> nearer extreme -> other extreme -> close (equidistant: the low first), taking
   * on each leg the levels it crosses in the order it crosses them.
   */
  private resolvePath(
    p: Tracked,
    c: Candle,
    o: number,
    heldFromOpen: boolean,
    time: number,
    ambiguous: boolean,
  ): void {
    const highFirst = c.high - c.open < c.open - c.low;
    const sign = p.sign;
    const first = sign * (highFirst ? c.high : c.low);
    const second = sign * (highFirst ? c.low : c.high);
    const last = sign * c.close;
    let live = heldFromOpen;
    // the open itself: a gap may already sit beyond the stop or a target
    if (live && o <= p.stopX) {
      this.stopOut(p, time, ambiguous);
      return;
    }
    if (live && this.walkUp(p, o, time, ambiguous)) return;
    let at = o;
    for (let leg = 0; leg < 3; leg++) {
      const to = leg === 0 ? first : leg === 1 ? second : last;
      if (to < at) {
        if (!live && to <= p.entryX) live = true;
        if (live && to <= p.stopX) {
          this.stopOut(p, time, ambiguous);
          return;
        }
      } else if (to > at && live && this.walkUp(p, to, time, ambiguous)) {
        return;
      }
      at = to;
    }
  }

  /** Takes the targets at or below `x`; true when that closed the position. */
  private walkUp(p: Tracked, x: number, time: number, ambiguous: boolean): boolean {
    while (p.next < 3 && x >= p.targetX[p.next]) {
      this.takeTarget(p, time, ambiguous);
      if (p.remaining === 0) return true;
    }
    return false;
  }

  private closedOnLevel(p: Tracked, time: number): Outcome {
    const s = p.signal;
    if (p.closedAtTarget) {
      return this.outcome(p, 'TP_HIT', time, `closed at targets (TP${p.next} ${p.sign * p.candleExitX})`);
    }
    const level = p.sign * p.stopX;
    if (p.next === 0) return this.outcome(p, 'SL_HIT', time, `stop ${s.stopLoss} hit`);
    const which = p.atBreakeven ? `breakeven stop ${level}` : `stop ${level}`;
    return this.outcome(p, 'PARTIAL_TP', time, `${which} hit after TP${p.next}`);
  }

  private outcome(p: Tracked, type: OutcomeType, exitTime: number, reason: string): Outcome {
    p.done = true;
    const s = p.signal;
    const entry = s.entryPrice;
    const filled = p.filled;
    const fees = filled ? this.config.feePerSide * (1 + p.exitNotional / entry) : 0;
    const outcome: Outcome = {
      signalId: s.id,
      symbol: s.symbol,
      direction: s.direction,
      type,
      reason,
      policy: this.config.policy,
      createdAt: s.createdAt,
      entryPrice: entry,
      stopLoss: s.stopLoss,
      filled,
      fillTime: filled ? p.fillTime : null,
      fillPrice: filled ? entry : null,
      exitTime,
      averageExitPrice: filled && p.exitedFraction > 0 ? p.exitNotional / p.exitedFraction : null,
      targetsHit: p.next,
      rMultiple: filled ? p.gain / p.risk : 0,
      returnPct: filled ? p.gain / entry - fees : 0,
      fees,
      mae: filled ? (p.worstX - p.entryX) / entry : 0,
      mfe: filled ? (p.bestX - p.entryX) / entry : 0,
      maeR: filled ? (p.worstX - p.entryX) / p.risk : 0,
      mfeR: filled ? (p.bestX - p.entryX) / p.risk : 0,
      timeToFillMs: filled ? p.fillTime - s.createdAt : null,
      timeToTp1Ms: timeToTarget(p, 0),
      timeToTp2Ms: timeToTarget(p, 1),
      timeToTp3Ms: timeToTarget(p, 2),
      timeToExitMs: exitTime - s.createdAt,
      holdingMs: filled ? exitTime - p.fillTime : null,
      ambiguous: p.ambiguousCandles > 0,
      ambiguousCandles: p.ambiguousCandles,
      events: p.events,
    };
    return outcome;
  }
}
