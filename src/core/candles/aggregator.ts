import type { AggregatedCandle, Candle } from './candle.js';
import { compareTimeframes, divides, type Timeframe, timeframeMs, timeframeOffset } from './timeframe.js';

/** A finer candle the Aggregator accepts: a plain candle, or one it built itself earlier. */
export type AggregatorInput = Candle & { readonly complete?: boolean };

export type CandleSink = (candle: AggregatedCandle) => void;

/** One forming higher-timeframe candle. Plain numeric fields keep the hot loop monomorphic. */
class Bucket {
  start = 0;
  /** start + ms: the open time of the next bucket. */
  end = 0;
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;
  quoteVolume = 0;
  trades = 0;
  count = 0;
  complete = true;
  /** Whether the inputs carried quote volume and trade counts (a sum of nothing is not zero). */
  extras = false;
  readonly ms: number;
  readonly offset: number;
  readonly expected: number;

  constructor(
    readonly timeframe: Timeframe,
    baseMs: number,
  ) {
    this.ms = timeframeMs(timeframe);
    this.offset = timeframeOffset(timeframe);
    this.expected = this.ms / baseMs;
  }

  snapshot(): AggregatedCandle {
    const complete = this.complete && this.count === this.expected;
    // two literal shapes instead of an object spread: this runs for every emitted candle
    if (this.extras) {
      return {
        timeframe: this.timeframe,
        openTime: this.start,
        open: this.open,
        high: this.high,
        low: this.low,
        close: this.close,
        volume: this.volume,
        quoteVolume: this.quoteVolume,
        trades: this.trades,
        constituents: this.count,
        expectedConstituents: this.expected,
        complete,
      };
    }
    return {
      timeframe: this.timeframe,
      openTime: this.start,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      volume: this.volume,
      constituents: this.count,
      expectedConstituents: this.expected,
      complete,
    };
  }
}

/**
 * Streaming aggregation of closed finer candles into closed higher-timeframe candles.
 *
 * Each higher candle is emitted exactly once: at the moment its last constituent arrives, or,
 * when constituents are missing (a gap in the input), as soon as a later candle proves it has
 * closed; then it is marked incomplete with its constituent count. A forming candle can be
 * inspected with `forming()` but is never emitted as closed. At one instant the targets are
 * emitted from the finest to the coarsest, so a 15m close is seen before the 1h close it ends.
 */
export class Aggregator {
  readonly base: Timeframe;
  readonly targets: readonly Timeframe[];
  private readonly buckets: Bucket[];
  private readonly baseMs: number;
  private lastOpenTime = Number.NEGATIVE_INFINITY;

  constructor(
    base: Timeframe,
    targets: readonly Timeframe[],
    private readonly sink: CandleSink,
  ) {
    if (targets.length === 0) throw new RangeError('Aggregator needs at least one target timeframe');
    const sorted = [...new Set(targets)].sort(compareTimeframes);
    for (const tf of sorted) {
      if (!divides(base, tf)) {
        throw new RangeError(
          `timeframe ${tf} cannot be built from ${base} candles (it must be a whole multiple of ${base})`,
        );
      }
    }
    this.base = base;
    this.targets = sorted;
    this.baseMs = timeframeMs(base);
    this.buckets = sorted.map((tf) => new Bucket(tf, this.baseMs));
  }

  /** Adds one closed base candle; candles must arrive in strictly increasing open time. */
  push(c: AggregatorInput): void {
    const t = c.openTime;
    if (t <= this.lastOpenTime) {
      throw new RangeError(
        `candle ${t} arrived after ${this.lastOpenTime}: the Aggregator needs increasing open times`,
      );
    }
    this.lastOpenTime = t;
    const end = t + this.baseMs;
    const whole = c.complete !== false;
    // read the candle once, not once per target
    const high = c.high;
    const low = c.low;
    const close = c.close;
    const volume = c.volume;
    const buckets = this.buckets;
    for (let i = 0; i < buckets.length; i++) {
      const b = buckets[i];
      if (b.count > 0 && t < b.end) {
        // same bucket as the previous candle (the common case): no division needed
        if (high > b.high) b.high = high;
        if (low < b.low) b.low = low;
        b.volume += volume;
      } else {
        if (b.count > 0) {
          // a later candle proves the previous bucket closed with constituents missing
          this.sink(b.snapshot());
        }
        const r = (t - b.offset) % b.ms;
        b.start = t - (r < 0 ? r + b.ms : r);
        b.end = b.start + b.ms;
        b.count = 0;
        b.open = c.open;
        b.high = high;
        b.low = low;
        b.volume = volume;
        b.quoteVolume = 0;
        b.trades = 0;
        b.complete = true;
        b.extras = c.quoteVolume !== undefined;
      }
      b.close = close;
      if (b.extras) {
        b.quoteVolume += c.quoteVolume ?? 0;
        b.trades += c.trades ?? 0;
      }
      if (!whole) b.complete = false;
      b.count++;
      if (end === b.end) {
        this.sink(b.snapshot());
        b.count = 0;
      }
    }
  }

  /**
   * Emits every forming candle that has certainly closed by `time` (ms), e.g. when a live clock
   * shows a higher candle ended while its last constituents never came.
   */
  advanceTo(time: number): void {
    for (const b of this.buckets) {
      if (b.count > 0 && b.start + b.ms <= time) {
        this.sink(b.snapshot());
        b.count = 0;
      }
    }
  }

  /** The forming (not yet closed) candle of `tf`, or null when none is forming. */
  forming(tf: Timeframe): AggregatedCandle | null {
    const b = this.buckets.find((x) => x.timeframe === tf);
    if (!b) throw new RangeError(`timeframe ${tf} is not a target of this Aggregator`);
    return b.count > 0 ? b.snapshot() : null;
  }
}

/** Aggregates a finished series; a convenience over the streaming Aggregator. */
export function aggregate(
  candles: Iterable<AggregatorInput>,
  base: Timeframe,
  target: Timeframe,
  opts: { includeIncomplete?: boolean } = {},
): AggregatedCandle[] {
  const out: AggregatedCandle[] = [];
  const agg = new Aggregator(base, [target], (c) => {
    if (c.complete || opts.includeIncomplete) out.push(c);
  });
  for (const c of candles) agg.push(c);
  return out;
}
