import type { TfSnapshot } from '../features/snapshot.js';
import { formatPrice, formatReading } from '../format.js';
import type { Direction, StrategyCandidate } from '../signals/types.js';
import { CandleMemory } from './candle-memory.js';
import { defineStrategy, type ParamValues, type StrategyContext, type StrategyRule } from './definition.js';
import { baseConfidence, clamp01, patternConfirmations, testedLevel } from './strategy-kit.js';

const PARAMS = {
  rsiFloor: {
    type: 'number',
    default: 50,
    min: 0,
    max: 100,
    description: 'BUY needs RSI above this (SELL below 100 - it).',
    search: { min: 45, max: 60, step: 5 },
  },
  rsiCeiling: {
    type: 'number',
    default: 72,
    min: 0,
    max: 100,
    description: 'BUY is skipped above this RSI (overbought; mirrored for SELL).',
    search: { min: 65, max: 80, step: 5 },
  },
  minAdx: {
    type: 'number',
    default: 20,
    min: 0,
    max: 100,
    description: 'Minimum ADX (trend strength) on the signal timeframe.',
    search: { min: 15, max: 30, step: 5 },
  },
} as const;

export type MomentumConfig = ParamValues<typeof PARAMS>;

/** Memory bits: the setup may fire again in this direction (its trend structure broke since). */
const ARMED_BUY = 1;
const ARMED_SELL = 2;

/** ADX points above `minAdx`, DI spread, RSI rise over which a strength term is full. */
const ADX_SPAN = 20;
const DI_SPAN = 20;
const RSI_RISE_SPAN = 5;
/** MACD histogram (in ATRs) and EMA 9-50 spread (in ATRs) at which those terms are full. */
const MACD_HIST_ATR = 0.25;
const EMA_SPREAD_ATR = 2;

/**
 * Trend following on EMA alignment, RSI, MACD and ADX.
 *
 * BUY when, on the closed candle: EMA 9 > EMA 21 > EMA 50, close above EMA 21 and +DI > -DI
 * (the trend structure), ADX ≥ minAdx, rsiFloor < RSI ≤ rsiCeiling and RSI rising, MACD
 * histogram > 0 and rising (a MACD cross above its signal is the case where it just turned
 * positive). SELL mirrored, with the RSI band mirrored around 50.
 *
 * It fires once per trend leg: on the first candle the whole setup holds after the trend
 * structure (re)formed, not on every candle while it holds. The structure breaking (e.g. a
 * close back below EMA 21 in a pullback) re-arms it, so a continuation after a pullback can
 * fire again. While warming up the structure counts as absent, so a trend already under way
 * fires once when the indicators can first show it.
 *
 * Strength (weights add to 1), for BUY (SELL mirrored):
 *   0.30 × clamp((ADX − minAdx) / 20)          trend strength
 *   0.20 × clamp((+DI − −DI) / 20)             directional dominance
 *   0.20 × clamp(histogram / (0.25 × ATR))     MACD thrust
 *   0.15 × clamp((EMA 9 − EMA 50) / (2 × ATR)) EMA fan-out
 *   0.15 × clamp((RSI − previous RSI) / 5)     RSI rise
 */
function createMomentum(cfg: MomentumConfig): StrategyRule {
  const memory = new CandleMemory();
  const sellRsiLow = 100 - cfg.rsiCeiling;
  const sellRsiHigh = 100 - cfg.rsiFloor;

  function candidate(s: TfSnapshot, direction: Direction): StrategyCandidate {
    const d = direction === 'BUY' ? 1 : -1;
    const strength =
      0.3 * clamp01((s.adx - cfg.minAdx) / ADX_SPAN) +
      0.2 * clamp01((d * (s.plusDi - s.minusDi)) / DI_SPAN) +
      0.2 * clamp01((d * s.macdHist) / (MACD_HIST_ATR * s.atr)) +
      0.15 * clamp01((d * (s.ema9 - s.ema50)) / (EMA_SPREAD_ATR * s.atr)) +
      0.15 * clamp01((d * (s.rsi - s.prevRsi)) / RSI_RISE_SPAN);

    const up = direction === 'BUY';
    const rel = up ? '>' : '<';
    const rsiBand = up ? `${cfg.rsiFloor}-${cfg.rsiCeiling}` : `${sellRsiLow}-${sellRsiHigh}`;
    const crossed = up ? s.prevMacdHist <= 0 : s.prevMacdHist >= 0;
    const reasons = [
      `Momentum ${direction}: EMA 9 ${rel} EMA 21 ${rel} EMA 50 (${formatPrice(s.ema9, s.tickSize)} ${rel} ${formatPrice(s.ema21, s.tickSize)} ${rel} ${formatPrice(s.ema50, s.tickSize)}), close ${formatPrice(s.close, s.tickSize)} ${up ? 'above' : 'below'} EMA 21`,
      `RSI ${formatReading(s.rsi)} ${up ? 'rising' : 'falling'} from ${formatReading(s.prevRsi)} (${direction} band ${rsiBand})`,
      `MACD histogram ${formatPrice(s.macdHist)} ${up ? 'rising' : 'falling'} from ${formatPrice(s.prevMacdHist)}${crossed ? `: MACD crossed ${up ? 'above' : 'below'} its signal` : ''}`,
      `ADX ${formatReading(s.adx)} ≥ ${cfg.minAdx} with ${up ? '+DI' : '-DI'} ${formatReading(up ? s.plusDi : s.minusDi)} > ${up ? '-DI' : '+DI'} ${formatReading(up ? s.minusDi : s.plusDi)}`,
    ];
    const level = testedLevel(s, direction);
    const confirmations = level ? patternConfirmations(s, direction, level.kind, level.price) : [];
    return {
      strategy: 'momentum',
      direction,
      baseConfidence: baseConfidence(strength, confirmations.length),
      reasons,
      confirmations,
    };
  }

  return {
    evaluate(ctx: StrategyContext): StrategyCandidate | null {
      const s = ctx.signal;
      const prev = memory.previous(s);
      let armed = prev < 0 ? 0 : prev;
      const buyTrend = s.ema9 > s.ema21 && s.ema21 > s.ema50 && s.close > s.ema21 && s.plusDi > s.minusDi;
      const sellTrend = s.ema9 < s.ema21 && s.ema21 < s.ema50 && s.close < s.ema21 && s.minusDi > s.plusDi;
      if (!buyTrend) armed |= ARMED_BUY;
      if (!sellTrend) armed |= ARMED_SELL;
      let out: StrategyCandidate | null = null;
      if (ctx.ready && s.adx >= cfg.minAdx) {
        const macdUp = s.macdHist > 0 && s.macdHist > s.prevMacdHist;
        const macdDown = s.macdHist < 0 && s.macdHist < s.prevMacdHist;
        if (
          armed & ARMED_BUY &&
          buyTrend &&
          s.rsi > cfg.rsiFloor &&
          s.rsi <= cfg.rsiCeiling &&
          s.rsi > s.prevRsi &&
          macdUp
        ) {
          armed &= ~ARMED_BUY;
          out = candidate(s, 'BUY');
        } else if (
          armed & ARMED_SELL &&
          sellTrend &&
          s.rsi < sellRsiHigh &&
          s.rsi >= sellRsiLow &&
          s.rsi < s.prevRsi &&
          macdDown
        ) {
          armed &= ~ARMED_SELL;
          out = candidate(s, 'SELL');
        }
      }
      memory.record(s, armed);
      return out;
    },
  };
}

export const momentum = defineStrategy({
  name: 'momentum',
  description:
    'Trend following: EMA 9/21/50 alignment, rising RSI in its band, rising MACD histogram, ADX trend',
  kind: 'trend',
  regime: 'trending',
  needs: [
    'close',
    'ema9',
    'ema21',
    'ema50',
    'rsi',
    'prevRsi',
    'macdHist',
    'prevMacdHist',
    'adx',
    'plusDi',
    'minusDi',
    'atr',
  ],
  warmup: 50,
  timeframes: 'all',
  params: PARAMS,
  create: createMomentum,
});
