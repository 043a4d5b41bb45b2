import type { Candle } from '../candles/candle.js';
import { priceOrderBreach, priceOrderText } from '../signals/prices.js';
import type { Signal } from '../signals/types.js';
import { ExitRules } from './exits.js';
import { closeOutcome } from './outcome.js';
import { type OutcomeListener, Position } from './position.js';
import { stepPosition } from './step.js';
import type { Outcome, OutcomeConfig, TrackedSignalState } from './types.js';

export type { OutcomeListener } from './position.js';

const NO_OUTCOMES: readonly Outcome[] = Object.freeze([]);

/** How the tracker runs; none of it changes a result. */
export interface OutcomeTrackerOptions {
  /**
   * Skip the general step on candles where nothing can happen to a signal (see
   * `OutcomeTracker.onCandle`). Default true; false sends every candle down the general path,
   * so tests can prove the shortcut changes nothing.
   */
  readonly quietShortcut?: boolean;
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
 * Follows the signals of one symbol from creation to outcome, on closed base candles in time
 * order, and routes each candle to the signals it can change. What one candle does to one signal
 * is `stepPosition` (step.ts): fills and expiry, the exits (exits.ts: TP1..TP3, stop, breakeven,
 * time) in the order the ambiguity policy assumes (ambiguity.ts), and the excursions. A
 * MARKET_ENTRY is filled at `createdAt` at its entry price when it is tracked.
 *
 * No allocation on a candle where nothing happens: `onCandle` then returns one shared empty array.
 *
 * Cost: a candle that can change nothing but excursions for any followed signal costs a few
 * comparisons in all; otherwise it visits every signal, and a signal it cannot touch costs a few
 * comparisons more (see `onCandle`). The general step runs only where something may happen.
 */
export class OutcomeTracker {
  readonly config: OutcomeConfig;
  private readonly tracked: Position[] = [];
  private readonly byId = new Map<string, Position>();
  private symbolName: string | null = null;
  private readonly rules: ExitRules;

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

  /**
   * @param config complete and already valid: the engine's `outcomes` section is validated where
   *   it enters (./settings-schema.ts) and mapped by `trackerSettings`.
   */
  constructor(config: OutcomeConfig, listener?: OutcomeListener, options: OutcomeTrackerOptions = {}) {
    this.config = config;
    this.listener = listener ?? null;
    // a touch tolerance makes levels reachable from inside the quiet bounds: no shortcut then
    const pr = config.precision;
    const tolerant = pr !== undefined && (pr.toleranceBps > 0 || pr.toleranceTicks > 0);
    this.quietShortcut = (options.quietShortcut ?? true) && !tolerant;
    this.rules = new ExitRules(this.config);
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
   * signal (e.g. a number of candles of its own timeframe); `tickSize` is the symbol's price step
   * for a touch tolerance in ticks (NaN or absent: unknown, that tolerance is then 0).
   */
  track(
    signal: Signal,
    maxHoldingMs: number | null = this.config.maxHoldingMs,
    tickSize: number = Number.NaN,
  ): void {
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
    const p = new Position(signal, maxHoldingMs, this.listener);
    const pr = this.config.precision;
    if (pr !== undefined) {
      const entry = signal.entryPrice;
      const byTicks = tickSize > 0 ? pr.toleranceTicks * tickSize : 0;
      const tolerance = Math.max((pr.toleranceBps * entry) / 10_000, byTicks);
      const penetration = pr.confirm === 'penetration' ? (pr.minPenetrationBps * entry) / 10_000 : 0;
      p.touchX = tolerance - penetration;
      p.confirmClose = pr.confirm === 'close';
      p.penetration = pr.confirm === 'penetration';
    }
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
   * - a pending limit the candle does not reach, before its expiry (what `stepPosition` returns at once);
   * - a filled position whose candle stays strictly between the stop and the next target, with
   *   no time exit due: only the excursions widen (to the low and the high, as on any candle held
   *   from open to close). Every policy agrees there: open, extremes and close all lie in
   *   [low, high], so no path reaches a level, none takes a target or stops out, and with no
   *   target in range the candle is not ambiguous.
   * Quiet signals skip the general `stepPosition` (`quietFor`). Beyond that, a candle within the bounds
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
        const closed = stepPosition(p, candle, closeTime, this.config, this.rules);
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
   * Each test is the negation of the one in `stepPosition` / `isAmbiguous` / the policies it skips.
   */
  private quietFor(p: Position, openTime: number, closeTime: number, lo: number, hi: number): boolean {
    if (openTime < p.createdAt) return true;
    if (!p.filled) return closeTime < p.expiresAt && !(openTime < p.expiresAt && lo <= p.entryX);
    if (lo > p.stopX && hi < p.nextTargetX && closeTime - p.fillTime < p.holdLimit) {
      p.widen(lo, hi);
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
  private foldQuietForAll(p: Position): void {
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
      p.widen(p.sign > 0 ? low : -high, p.sign > 0 ? high : -low);
    }
  }

  /**
   * Closes a followed signal from outside. A pending entry is withdrawn (nothing traded); a filled
   * remainder exits at `price`. Returns null when the signal is not (or no longer) followed,
   * e.g. it closed on the same candle. `type` names who closed it: CANCELLED (the engine, e.g. an
   * opposite signal, or an operator withdrawing a pending entry) or MANUAL_EXIT (an operator
   * closing a position); it is both the outcome's type and its last event's kind.
   */
  cancel(
    signalId: string,
    time: number,
    price: number,
    reason: string,
    type: 'CANCELLED' | 'MANUAL_EXIT' = 'CANCELLED',
  ): Outcome | null {
    const p = this.byId.get(signalId);
    if (p === undefined) return null;
    this.applySkipped();
    if (p.filled) {
      if (!Number.isFinite(price) || price <= 0) {
        throw new RangeError(`cancel ${signalId}: price must be a positive finite price, got ${price}`);
      }
      const x = p.sign * price;
      p.widen(x, x);
      const fraction = p.exitRemainder(x);
      p.push(type, time, price, fraction, false);
    } else {
      p.push(type, time, p.signal.entryPrice, 0, false);
    }
    const outcome = closeOutcome(p, type, time, reason, this.config);
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
}
