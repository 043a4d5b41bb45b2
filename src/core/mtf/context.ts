import { type Timeframe, timeframeMs } from '../candles/timeframe.js';
import type { TfSnapshot } from '../features/snapshot.js';
import type { ContextView, Direction } from '../signals/types.js';

/** Wilder's reading of ADX: a trend has to reach 25 to count; below 20 the market ranges. */
export const TRENDING_ADX = 25;
export const RANGING_ADX = 20;

/** The extremes of the alignment factor: every context timeframe agrees / opposes. */
export const MAX_ALIGNMENT_FACTOR = 1.25;
export const MIN_ALIGNMENT_FACTOR = 1 / MAX_ALIGNMENT_FACTOR;

/** The volume factor moves within 1 ± this. */
const VOLUME_FACTOR_SPAN = 0.2;

export type Regime = ContextView['regime'];

/** Where one higher timeframe stands, read from its latest closed candle. */
export interface ContextClass {
  readonly trend: -1 | 0 | 1;
  readonly regime: Regime;
  readonly volatilityPercentile: number;
  readonly momentum: -1 | 0 | 1;
  /**
   * Whether trend or momentum could be read. Each warms on its own (momentum after ~35
   * candles, trend after EMA 200's 200), so a slow context such as 1d already says something
   * about momentum months before its EMA 200 is ready.
   */
  readonly warm: boolean;
}

const finite = Number.isFinite;

export function classifyContext(snap: TfSnapshot): ContextClass {
  const trendKnown = finite(snap.ema50) && finite(snap.ema200) && finite(snap.ema50Slope);
  const momentumKnown = finite(snap.rsi) && finite(snap.macdHist);
  let trend: -1 | 0 | 1 = 0;
  if (trendKnown) {
    if (snap.ema50 > snap.ema200 && snap.ema50Slope > 0) trend = 1;
    else if (snap.ema50 < snap.ema200 && snap.ema50Slope < 0) trend = -1;
  }
  let momentum: -1 | 0 | 1 = 0;
  if (momentumKnown) {
    if (snap.rsi > 50 && snap.macdHist > 0) momentum = 1;
    else if (snap.rsi < 50 && snap.macdHist < 0) momentum = -1;
  }
  return {
    trend,
    regime: regimeOf(snap.adx),
    volatilityPercentile: snap.volatilityPercentile,
    momentum,
    warm: trendKnown || momentumKnown,
  };
}

/**
 * ADX ≥ 25 trending, below that ranging: the 20–25 band, where a trend may be forming, counts
 * as ranging until the trend has proven itself (no state is kept to add hysteresis).
 * NaN (warming up) is 'unknown'.
 */
export function regimeOf(adx: number): Regime {
  if (!finite(adx)) return 'unknown';
  return adx >= TRENDING_ADX ? 'trending' : 'ranging';
}

/**
 * 1 + log2(minutes): each doubling of the timeframe adds one unit, so 4h weighs 8.9 and 1d
 * 11.5. Higher timeframes weigh more without drowning the nearer one (a log, not the length),
 * and the +1 keeps 1m above zero.
 */
export function timeframeWeight(tf: Timeframe): number {
  return 1 + Math.log2(timeframeMs(tf) / 60_000);
}

export interface ContextScore {
  /** Weighted share of the warm context timeframes that agree, 0..1. */
  readonly mtfBoost: number;
  /** 1.25 ** s for the weighted stance s ∈ [-1, 1]: 0.8 .. 1.25, 1 when neutral. */
  readonly alignmentFactor: number;
  readonly views: ContextView[];
}

/**
 * Scores the higher timeframes against a signal's direction.
 *
 * A timeframe's stance is sign(trend·d + momentum·d) with d = +1 for BUY, -1 for SELL: it
 * agrees when trend or momentum points the signal's way and neither points against it
 * (an uptrend in a flat-momentum pullback agrees with a BUY), opposes in the mirror case,
 * and is neutral otherwise. Timeframes that are not warm, or have no closed candle yet, carry
 * no weight (their view shows weight 0), so a context still warming neither helps nor hurts.
 *
 * With w the timeframe weights of the warm views:
 *   mtfBoost        = Σ w[agrees] / Σ w
 *   s               = Σ w·stance / Σ w            (−1 all oppose … +1 all agree)
 *   alignmentFactor = 1.25 ** s                    (0.8 … 1.25; reciprocal for ±s)
 * A geometric map, not a linear one, because it has to hit 0.8, 1 and 1.25 at −1, 0, +1:
 * agreement and an equal weight of opposition cancel out exactly.
 */
export function scoreContext(contexts: readonly TfSnapshot[], direction: Direction): ContextScore {
  const d = direction === 'BUY' ? 1 : -1;
  const views: ContextView[] = [];
  let total = 0;
  let agreeing = 0;
  let net = 0;
  for (const snap of contexts) {
    // nothing closed yet on this timeframe: there is no candle to cite as asOf
    if (snap.count === 0) continue;
    const c = classifyContext(snap);
    const stance = c.warm ? Math.sign(c.trend * d + c.momentum * d) : 0;
    const weight = c.warm ? timeframeWeight(snap.timeframe) : 0;
    total += weight;
    net += weight * stance;
    if (stance > 0) agreeing += weight;
    views.push({
      timeframe: snap.timeframe,
      asOf: snap.closeTime,
      trend: c.trend,
      regime: c.regime,
      volatilityPercentile: c.volatilityPercentile,
      momentum: c.momentum,
      agrees: stance > 0,
      weight,
    });
  }
  if (!(total > 0)) return { mtfBoost: 0, alignmentFactor: 1, views };
  const s = Math.min(1, Math.max(-1, net / total));
  // 1 / 1.25 is the double nearest 0.8, so full opposition gives exactly 0.8
  const alignmentFactor = s >= 0 ? MAX_ALIGNMENT_FACTOR ** s : 1 / MAX_ALIGNMENT_FACTOR ** -s;
  return { mtfBoost: agreeing / total, alignmentFactor, views };
}

/**
 * 1 + 0.2·(r² − 1)/(r² + 1), i.e. 1 + 0.2·tanh(ln r): 1.0 at average volume, 1.12 at twice
 * it, 0.88 at half, tending to 1.2 / 0.8 at the extremes; symmetric in log volume, so halving
 * costs what doubling gains. Written as 1 − 2/(r² + 1) so that r² overflowing to Infinity still
 * gives 1.2, and every step is a monotone rounding (non-decreasing in r in floating point too).
 * NaN (a zero or unwarmed average volume) is "no information": 1.0. A ratio ≤ 0 gives 0.8.
 */
export function volumeFactor(volumeRatio: number): number {
  if (Number.isNaN(volumeRatio)) return 1;
  if (volumeRatio <= 0) return 1 - VOLUME_FACTOR_SPAN;
  return 1 + VOLUME_FACTOR_SPAN * (1 - 2 / (volumeRatio * volumeRatio + 1));
}
