import type { Bar, CandleColumns } from '../candles/candle.js';
import { CandleWindow } from './candle-settings.js';
import {
  type CandlePattern,
  candlePattern,
  checkPenetration,
  PATTERN_NAMES,
  type PatternName,
  registerTotals,
} from './candlesticks.js';

export interface PatternScannerOptions {
  /** TA-Lib's optInPenetration per pattern, for those that take one; the others keep TA-Lib's defaults. */
  readonly penetration?: Partial<Record<PatternName, number>>;
}

/**
 * Runs a set of candlestick patterns on one stream of bars, sharing ONE candle window: the
 * last bars, their ranges and the candle-setting totals are updated once per bar, whatever the
 * number of patterns (totals that several patterns keep identically are kept once).
 * `update` writes each pattern's result, in `names` order, into a caller-provided array, so a
 * scan allocates nothing per bar.
 */
export class PatternScanner {
  readonly names: readonly PatternName[];
  /** The largest lookback of the set: bars before every pattern can give a result. */
  readonly lookback: number;
  private readonly window = new CandleWindow();
  private readonly patterns: readonly CandlePattern[];
  private readonly detects: CandlePattern['detect'][];
  private readonly slots: Int32Array[];
  private readonly states: Int32Array[];
  private readonly penetrations: Float64Array;
  private readonly lookbacks: Int32Array;
  private readonly firstBars: Int32Array;
  /** Indices (ascending) of the patterns with state, run on every push, and their latest results. */
  private readonly stateful: Int32Array;
  private readonly statefulOut: Int32Array;

  /** `names` defaults to every pattern; an unknown name throws an error listing the valid ones. */
  constructor(names: readonly string[] = PATTERN_NAMES, options: PatternScannerOptions = {}) {
    const patterns = names.map((name) => candlePattern(name));
    const seen = new Set<string>();
    for (const p of patterns) {
      if (seen.has(p.name)) throw new Error(`PatternScanner: pattern ${p.name} listed twice`);
      seen.add(p.name);
    }
    this.patterns = patterns;
    this.names = patterns.map((p) => p.name);
    this.detects = patterns.map((p) => p.detect);
    this.slots = patterns.map((p) => registerTotals(this.window, p));
    this.states = patterns.map((p) => new Int32Array(p.stateSize ?? 0));
    this.penetrations = Float64Array.from(patterns, (p) =>
      checkPenetration(p.name, options.penetration?.[p.name] ?? p.penetration ?? 0),
    );
    this.lookbacks = Int32Array.from(patterns, (p) => p.lookback);
    this.firstBars = Int32Array.from(patterns, (p) => p.firstBar ?? p.lookback);
    this.lookback = patterns.reduce((max, p) => Math.max(max, p.lookback), 0);
    this.stateful = Int32Array.from(patterns.flatMap((p, k) => ((p.stateSize ?? 0) > 0 ? [k] : [])));
    this.statefulOut = new Int32Array(this.stateful.length);
  }

  get size(): number {
    return this.patterns.length;
  }

  /** Distinct rolling totals the shared window keeps for the whole set. */
  get totalsKept(): number {
    return this.window.totalsKept;
  }

  /** Bars seen so far. */
  get count(): number {
    return this.window.count;
  }

  update(bar: Bar, out: Int32Array | Float64Array, offset = 0): void {
    this.updateOhlc(bar.open, bar.high, bar.low, bar.close, out, offset);
  }

  /**
   * Takes one closed bar and writes pattern k's result at `out[offset + k]`: what TA-Lib gives
   * for this candle, 0 while the bar is within that pattern's lookback.
   */
  updateOhlc(
    open: number,
    high: number,
    low: number,
    close: number,
    out: Int32Array | Float64Array,
    offset = 0,
  ): void {
    this.checkOut(out, offset);
    this.push(open, high, low, close);
    this.detectLatest(out, offset);
  }

  /**
   * Takes one closed bar without reading the patterns: the window and its totals move on, and
   * the few patterns that carry state from bar to bar (hikkake) run now, so their state stays
   * exact. `detectLatest` then gives the newest bar's results on demand: a caller that reads
   * the patterns on few bars skips the detection on the others.
   */
  push(open: number, high: number, low: number, close: number): void {
    const w = this.window;
    w.push(open, high, low, close);
    const stateful = this.stateful;
    for (let j = 0; j < stateful.length; j++) {
      const k = stateful[j];
      this.statefulOut[j] = this.detectOne(k, w.count - 1);
    }
  }

  /** Writes the newest bar's result of pattern k at `out[offset + k]` (see `updateOhlc`). */
  detectLatest(out: Int32Array | Float64Array, offset = 0): void {
    this.checkOut(out, offset);
    const n = this.detects.length;
    const t = this.window.count - 1;
    if (this.stateful.length === 0 && t >= this.lookback) {
      // Past every lookback: no warm-up checks left.
      const w = this.window;
      const detects = this.detects;
      for (let k = 0; k < n; k++) {
        out[offset + k] = detects[k](w, this.slots[k], this.penetrations[k], this.states[k]);
      }
      return;
    }
    for (let k = 0, j = 0; k < n; k++) {
      if (j < this.stateful.length && this.stateful[j] === k) out[offset + k] = this.statefulOut[j++];
      else out[offset + k] = t < 0 ? 0 : this.detectOne(k, t);
    }
  }

  private detectOne(k: number, t: number): number {
    if (t < this.firstBars[k]) return 0;
    const value = this.detects[k](this.window, this.slots[k], this.penetrations[k], this.states[k]);
    return t < this.lookbacks[k] ? 0 : value;
  }

  private checkOut(out: Int32Array | Float64Array, offset: number): void {
    const n = this.detects.length;
    if (offset < 0 || out.length < offset + n) {
      throw new RangeError(`PatternScanner: out needs ${n} slots from offset ${offset}, has ${out.length}`);
    }
  }

  reset(): void {
    this.window.reset();
    for (const state of this.states) state.fill(0);
  }
}

/**
 * Batch form: each pattern's result on every candle of the series (0 within its lookback),
 * computed by the streaming scanner so the two can never disagree.
 */
export function scanPatterns(
  series: CandleColumns,
  names: readonly string[] = PATTERN_NAMES,
  options: PatternScannerOptions = {},
): Map<PatternName, Int32Array> {
  const scanner = new PatternScanner(names, options);
  const n = series.length;
  const k = scanner.size;
  const outputs = scanner.names.map(() => new Int32Array(n));
  const row = new Int32Array(k);
  const { open, high, low, close } = series;
  for (let i = 0; i < n; i++) {
    scanner.updateOhlc(open[i], high[i], low[i], close[i], row, 0);
    for (let j = 0; j < k; j++) outputs[j][i] = row[j];
  }
  return new Map(scanner.names.map((name, j) => [name, outputs[j]]));
}
