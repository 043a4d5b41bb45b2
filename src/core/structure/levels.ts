import type { Bar } from '../candles/candle.js';
import type { Swing } from './swings.js';

/**
 * A support/resistance level: a cluster of confirmed swing prices, as the tracker saw it at
 * the time of the query.
 */
export interface Level {
  /** Mean of every touch price (each touch weighs the same). */
  readonly price: number;
  /** Relative to the query's reference price: 'support' when the level is at or below it. */
  readonly kind: 'support' | 'resistance';
  readonly touches: number;
  /** Touches by swing highs (the level acted as resistance). */
  readonly highTouches: number;
  /** Touches by swing lows (the level acted as support). */
  readonly lowTouches: number;
  /** Open time of the earliest swing bar in the cluster. */
  readonly firstTouchTime: number;
  /** Open time of the latest swing bar in the cluster. */
  readonly lastTouchTime: number;
  /** Bars between the latest swing bar and the latest bar fed. */
  readonly barsSinceLastTouch: number;
  /** Times a close crossed the whole tolerance band, from one side to the other. */
  readonly breaks: number;
  /** Open time of the bar whose close last broke the level, or null if it never broke. */
  readonly lastBreakTime: number | null;
  /** touches × 0.5^(barsSinceLastTouch / halfLifeBars). */
  readonly strength: number;
}

export interface LevelOptions {
  /** Relative distance within which a swing joins a level: |swing - level| <= tolerance × level. Default 0.003. */
  readonly tolerance?: number;
  /** Levels kept at most; the weakest goes first. Default 20. */
  readonly maxLevels?: number;
  /** Bars after which a level's strength halves without a new touch; Infinity for no decay. Default 200. */
  readonly halfLifeBars?: number;
}

export const DEFAULT_LEVEL_TOLERANCE = 0.003;
export const DEFAULT_MAX_LEVELS = 20;
export const DEFAULT_LEVEL_HALF_LIFE_BARS = 200;

interface LevelState {
  priceSum: number;
  price: number;
  touches: number;
  highTouches: number;
  lowTouches: number;
  firstTouchTime: number;
  lastTouchTime: number;
  /** Index of the latest swing bar, in this tracker's own bar count. */
  lastTouchBar: number;
  breaks: number;
  lastBreakTime: number | null;
  /** Side of the last close outside the band: 1 above, -1 below, 0 not known yet. */
  side: number;
  /**
   * Derived from `price` whenever it changes (see setPrice), so the per-bar side test is two
   * comparisons: the tolerance band `tolerance × price`, and `price ± band`, computed with the
   * same operations a per-bar computation would do (same doubles).
   */
  band: number;
  bandHigh: number;
  bandLow: number;
}

/**
 * Support and resistance from clustered swing points, streaming and bounded.
 *
 * Feed it every closed bar together with the swings that bar confirmed
 * (`tracker.update(bar, detector.update(bar))`). A swing joins the nearest level within
 * `tolerance` (relative to the level's price), whose price becomes the mean of all its
 * touches; otherwise it starts a new level. When a level's moving mean brings it within
 * tolerance of a neighbour, the two merge (touch-weighted).
 *
 * Support or resistance is a matter of where price is, not of how the level was born: a level
 * at or below the reference price is support, above it resistance. So a broken resistance
 * becomes support by itself (polarity flip), and a retest from the new side (a swing low at
 * the old swing highs) joins the same level as one more touch: a level that held from both
 * sides counts both, in `highTouches` and `lowTouches`. Breaks (a close beyond the band on the
 * other side from the previous close outside it) are counted and dated, but do not change the
 * strength: whether a break weakens or confirms a level is a strategy's call.
 *
 * Memory: at most `maxLevels` levels. A new or just-touched level is always kept (it is the
 * freshest information); when over the limit the weakest other level goes, ties going to the
 * one touched longest ago, then to the lower price.
 */
export class LevelTracker {
  readonly tolerance: number;
  readonly maxLevels: number;
  readonly halfLifeBars: number;

  /** Kept sorted by price, ascending. */
  private states: LevelState[] = [];
  private bar = -1;
  private lastClose = Number.NaN;

  constructor(options: LevelOptions = {}) {
    const tolerance = options.tolerance ?? DEFAULT_LEVEL_TOLERANCE;
    if (!(tolerance > 0 && tolerance < 1)) {
      throw new RangeError(`tolerance must be a number > 0 and < 1 (a fraction of price), got ${tolerance}`);
    }
    const maxLevels = options.maxLevels ?? DEFAULT_MAX_LEVELS;
    if (!Number.isSafeInteger(maxLevels) || maxLevels < 1) {
      throw new RangeError(`maxLevels must be an integer >= 1, got ${maxLevels}`);
    }
    const halfLifeBars = options.halfLifeBars ?? DEFAULT_LEVEL_HALF_LIFE_BARS;
    if (!(halfLifeBars > 0)) {
      throw new RangeError(`halfLifeBars must be a number > 0, got ${halfLifeBars}`);
    }
    this.tolerance = tolerance;
    this.maxLevels = maxLevels;
    this.halfLifeBars = halfLifeBars;
  }

  /** Number of levels held now. */
  get size(): number {
    return this.states.length;
  }

  /**
   * Feeds one closed bar and the swings confirmed at its close, in the order the detector
   * gave them. Breaks are judged on this close against the levels as they were before it.
   */
  update(bar: Bar & { readonly openTime: number }, swings: readonly Swing[]): void {
    this.bar++;
    const close = bar.close;
    const previous = this.lastClose;
    this.lastClose = close;
    const states = this.states;
    if (this.scanEveryLevel || Number.isNaN(close) || Number.isNaN(previous)) {
      for (let k = 0; k < states.length; k++) this.judge(states[k], close, bar.openTime);
    } else if (close > previous) {
      // Every level's side is that of the previous close (when it was outside the band: the
      // side is set against the current close whenever a level is made or moved). Rising, only
      // levels whose band top lies in [previous, close) can change side: below them the side
      // is 1 already, above them the close is within or below the band as before. Band tops
      // ascend with the levels' prices, so those levels are a run.
      let k = 0;
      while (k < states.length && states[k].bandHigh < previous) k++;
      for (; k < states.length && states[k].bandHigh < close; k++) this.judge(states[k], close, bar.openTime);
    } else if (close < previous) {
      // Falling: only band bottoms in (close, previous] can change side (to -1).
      let k = states.length - 1;
      while (k >= 0 && states[k].bandLow > previous) k--;
      for (; k >= 0 && states[k].bandLow > close; k--) this.judge(states[k], close, bar.openTime);
    }
    for (let k = 0; k < swings.length; k++) this.touch(swings[k], close);
  }

  /**
   * Every level is judged on every close when true: the plain pass that the run-only pass
   * above must equal (tests switch it on to compare the two).
   */
  protected scanEveryLevel = false;

  /** A close outside the band on the other side from the last one outside it is a break. */
  private judge(s: LevelState, close: number, openTime: number): void {
    const side = close > s.bandHigh ? 1 : close < s.bandLow ? -1 : 0;
    if (side === 0) return;
    if (s.side !== 0 && side !== s.side) {
      s.breaks++;
      s.lastBreakTime = openTime;
    }
    s.side = side;
  }

  /** Every level, ascending by price, with `kind` relative to `referencePrice` (default: the last close). */
  levels(referencePrice: number = this.lastClose): Level[] {
    return this.states.map((s) => this.snapshot(s, referencePrice));
  }

  /** The highest level at or below `price`, or null. */
  nearestSupport(price: number): Level | null {
    const states = this.states;
    for (let k = states.length - 1; k >= 0; k--) {
      if (states[k].price <= price) return this.snapshot(states[k], price);
    }
    return null;
  }

  /** The lowest level strictly above `price`, or null. */
  nearestResistance(price: number): Level | null {
    const states = this.states;
    for (let k = 0; k < states.length; k++) {
      if (states[k].price > price) return this.snapshot(states[k], price);
    }
    return null;
  }

  reset(): void {
    this.states = [];
    this.bar = -1;
    this.lastClose = Number.NaN;
  }

  private touch(swing: Swing, close: number): void {
    // The swing bar lies (confirmedIndex - index) bars back, whatever count the detector keeps.
    const touchBar = this.bar - (swing.confirmedIndex - swing.index);
    const p = swing.price;
    const states = this.states;
    let target: LevelState | null = null;
    let best = Number.POSITIVE_INFINITY;
    for (let k = 0; k < states.length; k++) {
      const s = states[k];
      const d = Math.abs(p - s.price);
      if (d <= s.band && d < best) {
        best = d;
        target = s;
      }
    }
    if (target) {
      target.priceSum += p;
      target.touches++;
      this.setPrice(target, target.priceSum / target.touches);
      if (swing.kind === 'high') target.highTouches++;
      else target.lowTouches++;
      target.firstTouchTime = Math.min(target.firstTouchTime, swing.openTime);
      target.lastTouchTime = Math.max(target.lastTouchTime, swing.openTime);
      target.lastTouchBar = Math.max(target.lastTouchBar, touchBar);
      // The mean moved: its side is re-read from this close without calling it a break.
      target.side = sideOf(close, target);
      resort(states, states.indexOf(target));
      this.mergeAround(target, close);
    } else {
      const fresh: LevelState = {
        priceSum: p,
        price: p,
        touches: 1,
        highTouches: swing.kind === 'high' ? 1 : 0,
        lowTouches: swing.kind === 'low' ? 1 : 0,
        firstTouchTime: swing.openTime,
        lastTouchTime: swing.openTime,
        lastTouchBar: touchBar,
        breaks: 0,
        lastBreakTime: null,
        side: 0,
        band: 0,
        bandHigh: 0,
        bandLow: 0,
      };
      this.setPrice(fresh, p);
      fresh.side = sideOf(close, fresh);
      states.push(fresh);
      resort(states, states.length - 1);
      if (states.length > this.maxLevels) this.evictWeakestExcept(fresh);
    }
  }

  /** Merges `level` with neighbours its mean has come within tolerance of, until none is. */
  private mergeAround(level: LevelState, close: number): void {
    const states = this.states;
    for (;;) {
      const k = states.indexOf(level);
      const below = k > 0 ? states[k - 1] : null;
      const above = k + 1 < states.length ? states[k + 1] : null;
      // Measured against the lower price of the pair, as a joining swing is against the level:
      // then no two neighbours are ever within tolerance of each other.
      const dBelow = below ? level.price - below.price : Number.POSITIVE_INFINITY;
      const dAbove = above ? above.price - level.price : Number.POSITIVE_INFINITY;
      const nearBelow = below !== null && dBelow <= below.band;
      const nearAbove = above !== null && dAbove <= level.band;
      let other: LevelState | null = null;
      if (nearBelow && (!nearAbove || dBelow <= dAbove)) other = below;
      else if (nearAbove) other = above;
      if (!other) return;
      level.priceSum += other.priceSum;
      level.touches += other.touches;
      this.setPrice(level, level.priceSum / level.touches);
      level.highTouches += other.highTouches;
      level.lowTouches += other.lowTouches;
      level.firstTouchTime = Math.min(level.firstTouchTime, other.firstTouchTime);
      level.lastTouchTime = Math.max(level.lastTouchTime, other.lastTouchTime);
      level.lastTouchBar = Math.max(level.lastTouchBar, other.lastTouchBar);
      // Two levels this close were crossed by the same closes; adding would double-count.
      level.breaks = Math.max(level.breaks, other.breaks);
      level.lastBreakTime = latest(level.lastBreakTime, other.lastBreakTime);
      level.side = sideOf(close, level);
      states.splice(states.indexOf(other), 1);
      resort(states, states.indexOf(level));
    }
  }

  private evictWeakestExcept(keep: LevelState): void {
    const states = this.states;
    let weakest = -1;
    let weakestStrength = Number.POSITIVE_INFINITY;
    for (let k = 0; k < states.length; k++) {
      const s = states[k];
      if (s === keep) continue;
      const strength = this.strengthOf(s);
      // Ascending price order makes the first of equals the lower price.
      if (
        weakest < 0 ||
        strength < weakestStrength ||
        (strength === weakestStrength && s.lastTouchBar < states[weakest].lastTouchBar)
      ) {
        weakest = k;
        weakestStrength = strength;
      }
    }
    if (weakest >= 0) states.splice(weakest, 1);
  }

  private strengthOf(s: LevelState): number {
    return s.touches * 0.5 ** ((this.bar - s.lastTouchBar) / this.halfLifeBars);
  }

  /** Sets a level's mean price and the tolerance band derived from it. */
  private setPrice(s: LevelState, price: number): void {
    const band = this.tolerance * price;
    s.price = price;
    s.band = band;
    s.bandHigh = price + band;
    s.bandLow = price - band;
  }

  private snapshot(s: LevelState, referencePrice: number): Level {
    return {
      price: s.price,
      kind: s.price <= referencePrice ? 'support' : 'resistance',
      touches: s.touches,
      highTouches: s.highTouches,
      lowTouches: s.lowTouches,
      firstTouchTime: s.firstTouchTime,
      lastTouchTime: s.lastTouchTime,
      barsSinceLastTouch: this.bar - s.lastTouchBar,
      breaks: s.breaks,
      lastBreakTime: s.lastBreakTime,
      strength: this.strengthOf(s),
    };
  }
}

/** Side of `close` against a level's band: 1 above it, -1 below it, 0 within. */
function sideOf(close: number, s: LevelState): number {
  if (close > s.bandHigh) return 1;
  if (close < s.bandLow) return -1;
  return 0;
}

/**
 * Puts `states[at]`, whose price just changed, back in ascending price order, the others being
 * sorted already. Moves it past strictly lower (or higher) prices only, so equal prices keep
 * their previous order: the same array a stable sort by price gives, without a full sort.
 */
function resort(states: LevelState[], at: number): void {
  const s = states[at];
  let k = at;
  while (k > 0 && states[k - 1].price > s.price) {
    states[k] = states[k - 1];
    k--;
  }
  while (k + 1 < states.length && states[k + 1].price < s.price) {
    states[k] = states[k + 1];
    k++;
  }
  states[k] = s;
}

function latest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
