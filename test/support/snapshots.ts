import { type Timeframe, timeframeMs } from '../../src/core/candles/timeframe.js';
import { type TfSnapshot, warmOf } from '../../src/core/features/snapshot.js';
import { blankSnapshot } from '../../src/core/features/timeframe-features.js';

export type MutableSnapshot = { -readonly [K in keyof TfSnapshot]: TfSnapshot[K] };

const T0 = Date.UTC(2024, 0, 1);

/**
 * A warm snapshot in a clean uptrend (EMAs stacked, RSI 60, MACD positive, ADX 30 with +DI
 * above -DI): trend +1, momentum +1, trending. Tests override what they look at. Its open
 * time follows from the timeframe and the candle count unless given.
 */
export function warmSnapshot(overrides: Partial<MutableSnapshot> = {}): TfSnapshot {
  const timeframe: Timeframe = overrides.timeframe ?? '4h';
  const count = overrides.count ?? 300;
  const openTime = T0 + count * timeframeMs(timeframe);
  const base: MutableSnapshot = {
    ...blankSnapshot(timeframe),
    count,
    openTime,
    closeTime: openTime + timeframeMs(timeframe),
    open: 100,
    high: 102,
    low: 99,
    close: 101,
    volume: 10,
    complete: true,
    defectsInWindow: 0,
    prevClose: 100,
    prevHigh: 101,
    prevLow: 98,
    ema9: 100.5,
    ema21: 100,
    ema50: 98,
    ema200: 90,
    prevEma9: 100.2,
    prevEma21: 99.8,
    ema50Slope: 0.01,
    rsi: 60,
    prevRsi: 58,
    macd: 1,
    macdSignal: 0.5,
    macdHist: 0.5,
    prevMacdHist: 0.4,
    adx: 30,
    plusDi: 30,
    minusDi: 15,
    atr: 2,
    atrPct: 0.02,
    volatilityPercentile: 0.4,
    bbUpper: 104,
    bbMiddle: 100,
    bbLower: 96,
    prevBbUpper: 104,
    prevBbLower: 96,
    donchianHigh: 103,
    donchianLow: 95,
    vwap: 100,
    prevVwap: 100,
    volumeRatio: 1,
  };
  const s = { ...base, ...overrides };
  // the warm bits follow the fields unless a test sets them itself
  return overrides.warm === undefined ? { ...s, warm: warmOf(s) } : s;
}
