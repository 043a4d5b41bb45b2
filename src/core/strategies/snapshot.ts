import type { Timeframe } from '../candles/timeframe.js';
import type { LevelTracker } from '../patterns/levels.js';
import type { Swing } from '../patterns/swings.js';

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
