/**
 * TA-Lib's candle settings and the rolling window every candlestick pattern reads.
 *
 * A pattern asks questions such as "is this real body long?", which TA-Lib answers by comparing
 * the body with an average of some range (real body, high-low, or shadows) over the previous
 * N candles. To agree with TA-Lib on every candle, and not only to floating-point noise, the
 * averages must be computed exactly as the C code does:
 * - the sum is seeded from zero by adding the ranges one by one, oldest first;
 * - then it rolls with `sum += newRange - oldRange` (the difference first, then the add);
 * - the average is `factor * (sum / period) / (Shadows ? 2 : 1)`, or the candle's own range
 *   when the period is 0.
 * A rolling sum's rounding history depends on the bar where its seeding began, and TA-Lib seeds
 * each pattern's sums at that pattern's own lookback. So one accumulator is kept per distinct
 * (range type, period, lag, first bar): patterns that share all four share the sum, the others get
 * their own, and every one of them reproduces TA-Lib's double to the last bit.
 */

export const RangeType = { RealBody: 0, HighLow: 1, Shadows: 2 } as const;
export type RangeType = (typeof RangeType)[keyof typeof RangeType];

export interface CandleSetting {
  readonly name: string;
  readonly rangeType: RangeType;
  /** Candles averaged; 0 means "compare with this candle's own range". */
  readonly avgPeriod: number;
  readonly factor: number;
}

function setting(name: string, rangeType: RangeType, avgPeriod: number, factor: number): CandleSetting {
  return Object.freeze({ name, rangeType, avgPeriod, factor });
}

/** TA_CandleDefaultSettings of TA-Lib 0.6.0 (ta_common/ta_global.c), in its order. */
export const CandleSettings = Object.freeze({
  /** Real body longer than the average real body of the 10 previous candles. */
  BodyLong: setting('BodyLong', RangeType.RealBody, 10, 1.0),
  /** Real body longer than 3 times that average. */
  BodyVeryLong: setting('BodyVeryLong', RangeType.RealBody, 10, 3.0),
  /** Real body shorter than the average real body of the 10 previous candles. */
  BodyShort: setting('BodyShort', RangeType.RealBody, 10, 1.0),
  /** Real body no longer than 10% of the average high-low range of the 10 previous candles. */
  BodyDoji: setting('BodyDoji', RangeType.HighLow, 10, 0.1),
  /** Shadow longer than the candle's own real body. */
  ShadowLong: setting('ShadowLong', RangeType.RealBody, 0, 1.0),
  /** Shadow longer than twice the candle's own real body. */
  ShadowVeryLong: setting('ShadowVeryLong', RangeType.RealBody, 0, 2.0),
  /** Shadow shorter than half the average sum of shadows of the 10 previous candles. */
  ShadowShort: setting('ShadowShort', RangeType.Shadows, 10, 1.0),
  /** Shadow shorter than 10% of the average high-low range of the 10 previous candles. */
  ShadowVeryShort: setting('ShadowVeryShort', RangeType.HighLow, 10, 0.1),
  /** A distance no more than 20% of the average high-low range of the 5 previous candles. */
  Near: setting('Near', RangeType.HighLow, 5, 0.2),
  /** A distance at least 60% of the average high-low range of the 5 previous candles. */
  Far: setting('Far', RangeType.HighLow, 5, 0.6),
  /** A distance no more than 5% of the average high-low range of the 5 previous candles. */
  Equal: setting('Equal', RangeType.HighLow, 5, 0.05),
});

/**
 * Deepest bar a total reaches. The deepest read is a total for a candle 4 bars back averaged
 * over 10 candles, which needs the range 4 + 1 + 10 = 15 bars ago.
 */
const DEPTH = 16;
/**
 * Bars kept: DEPTH, plus the bars whose roll into the totals is still pending (see `push`).
 * A power of two lets the ring use a mask.
 */
const RING = 64;
const MASK = RING - 1;
/** Bars that may wait before the totals must roll, so every range they read is still held. */
const MAX_PENDING = RING - DEPTH;
/**
 * Each range type keeps its bars twice, at slot and slot + RING, so a read `d` bars back from
 * a bar at slot `h` (d < RING) is `block + RING + h - d` with no wrap to mask: the rolling loop
 * then reads two precomputed offsets plus the head.
 */
const BLOCK = 2 * RING;
/** Accumulator capacity to start with; it grows while patterns register, never during updates. */
const INITIAL_TOTALS = 16;
const SPEC = 4;

/**
 * The last 16 bars, their ranges, and the rolling totals registered by the patterns that read it.
 * Ages count back from the newest bar: age 0 is the bar just pushed, age 1 the one before it
 * (TA-Lib's `i` and `i-1`).
 */
export class CandleWindow {
  private readonly open = new Float64Array(RING);
  private readonly high = new Float64Array(RING);
  private readonly low = new Float64Array(RING);
  private readonly close = new Float64Array(RING);
  /** Derived once per bar, since dozens of patterns read them: max/min(open, close), shadows, colour. */
  private readonly top = new Float64Array(RING);
  private readonly bottom = new Float64Array(RING);
  private readonly upperShadow = new Float64Array(RING);
  private readonly lowerShadow = new Float64Array(RING);
  private readonly colors = new Int32Array(RING);
  /** Ranges by type, each block twice over (see BLOCK): RealBody at [0, 32), HighLow at [32, 64), Shadows at [64, 96). */
  private readonly ranges = new Float64Array(3 * BLOCK);
  /** Ring slot of the newest bar. */
  private head = MASK;
  private bars = 0;

  /** Current value of each total, indexed by the slot `addTotal` returned. */
  private totals = new Float64Array(INITIAL_TOTALS);
  private totalCount = 0;
  /** Per total, SPEC ints: range offset, lag + 1 (distance to the bar entering), period, first bar summed. */
  private totalSpec = new Int32Array(INITIAL_TOTALS * SPEC);
  /**
   * Per total, the two indices into `ranges` minus the head, once rolling: the range entering
   * (`block + 16 - (lag + 1)`) and the one leaving (that minus the period).
   */
  private rollIndex = new Int32Array(INITIAL_TOTALS * 2);
  /** From this bar on every total rolls (none is still seeding). */
  private steadyFrom = 0;
  /**
   * Newest bars (at most MAX_PENDING) not yet rolled into the totals. Past the seeding, totals
   * are only read through `avg`, so rolling waits until a read (or until the ring would lose
   * a range still to be rolled): a caller that reads patterns on few bars then rolls each
   * total in one tight pass, with exactly the subtract-and-add sequence of rolling per bar.
   */
  private pending = 0;

  /**
   * Registers the rolling sum TA-Lib keeps for `candleSetting` on the candle `lag` bars back, in a
   * pattern whose first evaluated bar is `firstBar` (its lookback, usually). From that bar on,
   * the total read at bar t covers bars [t - lag - period, t - lag), seeded exactly where TA-Lib
   * seeds it. Returns the slot to read, or -1 for a setting with period 0 (which needs no sum).
   * Register before the first push.
   */
  addTotal(candleSetting: CandleSetting, lag: number, firstBar: number): number {
    const period = candleSetting.avgPeriod;
    if (period === 0) return -1;
    if (this.bars !== 0) throw new Error('CandleWindow: register totals before the first bar');
    const start = firstBar - lag - period;
    if (start < 0 || lag + 1 + period > DEPTH) {
      throw new Error(`CandleWindow: total ${candleSetting.name} at lag ${lag} does not fit bar ${firstBar}`);
    }
    const rangeOffset = candleSetting.rangeType * BLOCK;
    const spec = this.totalSpec;
    for (let k = 0, j = 0; k < this.totalCount; k++, j += SPEC) {
      if (
        spec[j] === rangeOffset &&
        spec[j + 1] === lag + 1 &&
        spec[j + 2] === period &&
        spec[j + 3] === start
      ) {
        return k;
      }
    }
    if (this.totalCount === this.totals.length) this.growTotals();
    const slot = this.totalCount++;
    this.totalSpec.set([rangeOffset, lag + 1, period, start], slot * SPEC);
    this.rollIndex[2 * slot] = rangeOffset + RING - (lag + 1);
    this.rollIndex[2 * slot + 1] = rangeOffset + RING - (lag + 1) - period;
    // The first bar whose entering range is past the seeding: start + period + lag + 1.
    this.steadyFrom = Math.max(this.steadyFrom, start + period + lag + 1);
    return slot;
  }

  /** Bars pushed so far; the newest bar's index in the series is `count - 1`. */
  get count(): number {
    return this.bars;
  }

  /** Number of distinct rolling sums kept (what sharing one window across patterns saves). */
  get totalsKept(): number {
    return this.totalCount;
  }

  private growTotals(): void {
    const totals = new Float64Array(this.totals.length * 2);
    totals.set(this.totals);
    this.totals = totals;
    const spec = new Int32Array(totals.length * SPEC);
    spec.set(this.totalSpec);
    this.totalSpec = spec;
    const roll = new Int32Array(totals.length * 2);
    roll.set(this.rollIndex);
    this.rollIndex = roll;
  }

  push(open: number, high: number, low: number, close: number): void {
    const h = (this.head + 1) & MASK;
    this.head = h;
    this.open[h] = open;
    this.high[h] = high;
    this.low[h] = low;
    this.close[h] = close;
    const top = Math.max(open, close);
    const bottom = Math.min(open, close);
    const upper = high - top;
    const lower = bottom - low;
    this.top[h] = top;
    this.bottom[h] = bottom;
    this.upperShadow[h] = upper;
    this.lowerShadow[h] = lower;
    this.colors[h] = close >= open ? 1 : -1;
    const ranges = this.ranges;
    // Same operations as TA_REALBODY, TA_HIGHLOWRANGE and TA_UPPERSHADOW + TA_LOWERSHADOW.
    const body = Math.abs(close - open);
    const range = high - low;
    const shadows = upper + lower;
    ranges[h] = body;
    ranges[h + RING] = body;
    ranges[BLOCK + h] = range;
    ranges[BLOCK + h + RING] = range;
    ranges[2 * BLOCK + h] = shadows;
    ranges[2 * BLOCK + h + RING] = shadows;

    const t = this.bars++;
    const totals = this.totals;
    const spec = this.totalSpec;
    const n = this.totalCount;
    if (t >= this.steadyFrom) {
      // Every total is past its seeding: the roll of this bar waits (see `pending`).
      if (++this.pending === MAX_PENDING) this.roll();
      return;
    }
    for (let k = 0, j = 0; k < n; k++, j += SPEC) {
      const offset = spec[j];
      const distance = spec[j + 1];
      const period = spec[j + 2];
      const start = spec[j + 3];
      const entering = t - distance;
      if (entering < start) continue;
      const added = ranges[offset + ((h - distance) & MASK)];
      if (entering < start + period) {
        totals[k] += added;
      } else {
        totals[k] += added - ranges[offset + ((h - distance - period) & MASK)];
      }
    }
  }

  /**
   * Rolls the pending bars into every total, oldest bar first: one subtract-and-add per bar and
   * total, as TA-Lib's loop body (each total's own sequence of operations is what a roll per
   * bar would have done; only the interleaving between totals differs).
   */
  private roll(): void {
    const pending = this.pending;
    this.pending = 0;
    const totals = this.totals;
    const ranges = this.ranges;
    const roll = this.rollIndex;
    const n = this.totalCount;
    // ring positions of the pending bars, oldest first (negative ones wrap through the mask)
    const end = this.head + 1;
    const first = end - pending;
    // Two totals per pass: each is a chain of dependent adds, and two chains side by side let
    // the processor overlap them. Each total still sees its own adds in bar order.
    let k = 0;
    for (; k + 1 < n; k += 2) {
      const enterA = roll[2 * k];
      const leaveA = roll[2 * k + 1];
      const enterB = roll[2 * k + 2];
      const leaveB = roll[2 * k + 3];
      let a = totals[k];
      let b = totals[k + 1];
      for (let bar = first; bar < end; bar++) {
        const h = bar & MASK;
        a += ranges[enterA + h] - ranges[leaveA + h];
        b += ranges[enterB + h] - ranges[leaveB + h];
      }
      totals[k] = a;
      totals[k + 1] = b;
    }
    if (k < n) {
      const enter = roll[2 * k];
      const leave = roll[2 * k + 1];
      let a = totals[k];
      for (let bar = first; bar < end; bar++) {
        const h = bar & MASK;
        a += ranges[enter + h] - ranges[leave + h];
      }
      totals[k] = a;
    }
  }

  reset(): void {
    this.pending = 0;
    this.bars = 0;
    this.head = MASK;
    this.totals.fill(0);
  }

  o(age: number): number {
    return this.open[(this.head - age) & MASK];
  }

  h(age: number): number {
    return this.high[(this.head - age) & MASK];
  }

  l(age: number): number {
    return this.low[(this.head - age) & MASK];
  }

  c(age: number): number {
    return this.close[(this.head - age) & MASK];
  }

  /** TA_REALBODY. */
  body(age: number): number {
    return this.ranges[(this.head - age) & MASK];
  }

  /** TA_HIGHLOWRANGE. */
  range(age: number): number {
    return this.ranges[BLOCK + ((this.head - age) & MASK)];
  }

  /** TA_UPPERSHADOW. */
  upper(age: number): number {
    return this.upperShadow[(this.head - age) & MASK];
  }

  /** TA_LOWERSHADOW. */
  lower(age: number): number {
    return this.lowerShadow[(this.head - age) & MASK];
  }

  /** TA_CANDLECOLOR: 1 for white (close >= open), -1 for black. */
  color(age: number): number {
    return this.colors[(this.head - age) & MASK];
  }

  /** max(open, close). */
  bodyTop(age: number): number {
    return this.top[(this.head - age) & MASK];
  }

  /** min(open, close). */
  bodyBottom(age: number): number {
    return this.bottom[(this.head - age) & MASK];
  }

  /**
   * TA_CANDLEAVERAGE: the threshold `setting` gives for the candle `age` bars back, from the
   * total in `slot` (the age only matters for settings with period 0).
   */
  avg(candleSetting: CandleSetting, slot: number, age: number): number {
    const period = candleSetting.avgPeriod;
    const rangeType = candleSetting.rangeType;
    if (period !== 0 && this.pending !== 0) this.roll();
    const base =
      period !== 0 ? this.totals[slot] / period : this.ranges[rangeType * BLOCK + ((this.head - age) & MASK)];
    return rangeType === RangeType.Shadows ? (candleSetting.factor * base) / 2 : candleSetting.factor * base;
  }

  /** TA_REALBODYGAPUP(later, earlier): the later body lies wholly above the earlier one. */
  bodyGapUp(later: number, earlier: number): boolean {
    return this.bodyBottom(later) > this.bodyTop(earlier);
  }

  /** TA_REALBODYGAPDOWN(later, earlier). */
  bodyGapDown(later: number, earlier: number): boolean {
    return this.bodyTop(later) < this.bodyBottom(earlier);
  }

  /** TA_CANDLEGAPUP(later, earlier): the later low is above the earlier high. */
  gapUp(later: number, earlier: number): boolean {
    return this.l(later) > this.h(earlier);
  }

  /** TA_CANDLEGAPDOWN(later, earlier). */
  gapDown(later: number, earlier: number): boolean {
    return this.h(later) < this.l(earlier);
  }
}
