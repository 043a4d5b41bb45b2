import type { Timeframe } from '../candles/timeframe.js';
import type { Level, LevelTracker } from '../structure/levels.js';
import type { Swing } from '../structure/swings.js';

/**
 * Everything the signal engine knows about one (symbol, timeframe) at the close of that
 * timeframe's latest closed candle. One mutable object per (symbol, timeframe), updated in
 * place by `TimeframeFeatures` on each close (no allocation per candle): a reader that keeps
 * values across candles must copy them. Indicator fields are NaN while warming up.
 *
 * A higher timeframe's snapshot changes only when that higher candle closes, so whatever a
 * lower-timeframe signal reads from it was known at the signal's creation: no lookahead.
 */
export interface TfSnapshot {
  readonly timeframe: Timeframe;
  /** Closed candles seen on this timeframe. */
  readonly count: number;
  readonly openTime: number;
  /** The instant the latest candle closed (= open time + timeframe). */
  readonly closeTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Whether the latest candle was built from all its constituents. */
  readonly complete: boolean;
  /** The symbol's price step (from the exchange, or inferred from the data); NaN when unknown. */
  readonly tickSize: number;
  /**
   * Which numeric fields are warm (not NaN) on the latest candle: the OR of `WARM_BITS[field]`
   * over them. Fields computed together share a bit. A rule's readiness is one mask test
   * against the fields it declares (see `warmMask`).
   */
  readonly warm: number;
  /** Incomplete candles or missing candles among the last `qualityWindow` candles. */
  readonly defectsInWindow: number;
  readonly prevClose: number;
  readonly prevHigh: number;
  readonly prevLow: number;

  readonly ema9: number;
  readonly ema21: number;
  readonly ema50: number;
  readonly ema200: number;
  readonly prevEma9: number;
  readonly prevEma21: number;
  /** Relative change of EMA 50 over the last 5 candles (0.01 = +1 %). */
  readonly ema50Slope: number;
  readonly rsi: number;
  readonly prevRsi: number;
  readonly macd: number;
  readonly macdSignal: number;
  readonly macdHist: number;
  readonly prevMacdHist: number;
  readonly adx: number;
  readonly plusDi: number;
  readonly minusDi: number;
  readonly atr: number;
  /** ATR as a fraction of close. */
  readonly atrPct: number;
  /** Rank of the current atrPct among the last 100 values, 0..1 (volatility percentile). */
  readonly volatilityPercentile: number;
  readonly bbUpper: number;
  readonly bbMiddle: number;
  readonly bbLower: number;
  readonly prevBbUpper: number;
  readonly prevBbLower: number;
  /** Highest high and lowest low of the 20 candles BEFORE the latest one (a breakout level). */
  readonly donchianHigh: number;
  readonly donchianLow: number;
  /** VWAP anchored to the current UTC day. */
  readonly vwap: number;
  readonly prevVwap: number;
  /** Volume over the mean volume of the previous 20 candles. */
  readonly volumeRatio: number;

  readonly lastSwingHigh: Swing | null;
  readonly lastSwingLow: Swing | null;
  /** The swings before the last ones (for the leg between them). */
  readonly prevSwingHigh: Swing | null;
  readonly prevSwingLow: Swing | null;
  /** Support/resistance levels from this timeframe's swings. */
  readonly levels: LevelTracker;
  /**
   * Candlestick pattern outputs on the latest candle, by pattern name (TA-Lib convention:
   * +100 bullish, -100 bearish, 0 none, ±200 confirmed). Only non-zero ones are listed.
   */
  readonly patterns: ReadonlyMap<string, number>;
}

/** The snapshot fields that hold a number and may be NaN while warming up. */
export type WarmField = {
  [K in keyof TfSnapshot]-?: TfSnapshot[K] extends number
    ? K extends 'count' | 'warm' | 'defectsInWindow' | 'tickSize'
      ? never
      : K
    : never;
}[keyof TfSnapshot];

/**
 * The warm bit of each numeric field. Fields that one computation writes together (a candle's
 * prices, MACD's three lines, the Bollinger bands, ADX with its DIs) share a bit: they are warm
 * or NaN together. `TimeframeFeatures` sets the bits as it writes the fields; a test holds
 * every bit equal to its fields' NaN state on real data.
 */
export const WARM_BITS: Readonly<Record<WarmField, number>> = {
  openTime: 1 << 0,
  closeTime: 1 << 0,
  open: 1 << 0,
  high: 1 << 0,
  low: 1 << 0,
  close: 1 << 0,
  volume: 1 << 0,
  prevClose: 1 << 1,
  prevHigh: 1 << 1,
  prevLow: 1 << 1,
  ema9: 1 << 2,
  ema21: 1 << 3,
  ema50: 1 << 4,
  ema200: 1 << 5,
  prevEma9: 1 << 6,
  prevEma21: 1 << 7,
  ema50Slope: 1 << 8,
  rsi: 1 << 9,
  prevRsi: 1 << 10,
  macd: 1 << 11,
  macdSignal: 1 << 11,
  macdHist: 1 << 11,
  prevMacdHist: 1 << 12,
  adx: 1 << 13,
  plusDi: 1 << 13,
  minusDi: 1 << 13,
  atr: 1 << 14,
  atrPct: 1 << 15,
  volatilityPercentile: 1 << 16,
  bbUpper: 1 << 17,
  bbMiddle: 1 << 17,
  bbLower: 1 << 17,
  prevBbUpper: 1 << 18,
  prevBbLower: 1 << 18,
  donchianHigh: 1 << 19,
  donchianLow: 1 << 19,
  vwap: 1 << 20,
  prevVwap: 1 << 21,
  volumeRatio: 1 << 22,
};

export const WARM_FIELDS = Object.keys(WARM_BITS) as readonly WarmField[];

/** The warm mask a rule needing `fields` tests the snapshot's `warm` against. */
export function warmMask(fields: readonly string[]): number {
  let mask = 0;
  for (const f of fields) {
    const bit = (WARM_BITS as Readonly<Record<string, number>>)[f];
    if (bit === undefined) {
      throw new RangeError(`'${f}' is not a numeric snapshot field; known: ${WARM_FIELDS.join(', ')}`);
    }
    mask |= bit;
  }
  return mask;
}

/** Whether the latest candle is complete and every field of `mask` is warm. */
export function isReady(s: TfSnapshot, mask: number): boolean {
  return s.complete && (s.warm & mask) === mask;
}

/**
 * The warm mask read field by field (every numeric field that is not NaN sets its bit): the
 * reference `TimeframeFeatures` keeps equal, and what hand-built test snapshots use.
 */
export function warmOf(s: TfSnapshot): number {
  let w = 0;
  for (const f of WARM_FIELDS) if (!Number.isNaN(s[f])) w |= WARM_BITS[f];
  return w;
}

/**
 * A snapshot as plain data, for a cache or a reader in another process: its numbers and swings
 * as they are, the support/resistance levels held now (nearest first, as `LevelTracker.levels`
 * gives them) and the patterns that fired on its candle by name. The snapshot's own `levels` and
 * `patterns` are live objects (a tracker; a map filled when read) whose JSON would be their
 * internal state, not these facts. A copy: later candles do not change it.
 */
export type TfSnapshotData = Omit<TfSnapshot, 'levels' | 'patterns'> & {
  readonly levels: readonly Level[];
  readonly patterns: Readonly<Record<string, number>>;
};

export function snapshotData(s: TfSnapshot): TfSnapshotData {
  return { ...s, levels: s.levels.levels(), patterns: Object.fromEntries(s.patterns) };
}
