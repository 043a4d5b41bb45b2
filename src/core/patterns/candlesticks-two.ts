import { CandleSettings, type CandleWindow } from './candle-settings.js';
import type { CandlePattern } from './candlesticks.js';

/**
 * Two-candle patterns, transcribed from TA-Lib 0.6.0's ta_CDL*.c. Age 1 is the first candle
 * (TA-Lib's `i-1`), age 0 the second (`i`).
 */

const { BodyLong, BodyShort, BodyDoji, ShadowVeryShort, Equal } = CandleSettings;

const engulfing: CandlePattern = {
  name: 'engulfing',
  lookback: 2,
  totals: [],
  detect: (w) => {
    const o0 = w.o(0);
    const c0 = w.c(0);
    const o1 = w.o(1);
    const c1 = w.c(1);
    const color0 = w.color(0);
    const color1 = w.color(1);
    const engulfs =
      (color0 === 1 && color1 === -1 && ((c0 >= o1 && o0 < c1) || (c0 > o1 && o0 <= c1))) ||
      (color0 === -1 && color1 === 1 && ((o0 >= c1 && c0 < o1) || (o0 > c1 && c0 <= o1)));
    if (!engulfs) return 0;
    // TA-Lib 0.6 scores 80 when one end of the bodies matches exactly.
    return o0 !== c1 && c0 !== o1 ? color0 * 100 : color0 * 80;
  },
};

/** The body of candle 0 held in the body of candle 1: 100 strictly inside, 80 touching one end, else 0. */
function haramiScore(top0: number, bottom0: number, top1: number, bottom1: number): number {
  if (top0 < top1 && bottom0 > bottom1) return 100;
  if (top0 <= top1 && bottom0 >= bottom1) return 80;
  return 0;
}

const harami: CandlePattern = {
  name: 'harami',
  lookback: Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 1,
  totals: [
    [BodyLong, 1],
    [BodyShort, 0],
  ],
  detect: (w, s) =>
    w.body(1) > w.avg(BodyLong, s[0], 1) && w.body(0) <= w.avg(BodyShort, s[1], 0)
      ? -w.color(1) * haramiScore(w.bodyTop(0), w.bodyBottom(0), w.bodyTop(1), w.bodyBottom(1))
      : 0,
};

const haramiCross: CandlePattern = {
  name: 'haramicross',
  lookback: Math.max(BodyDoji.avgPeriod, BodyLong.avgPeriod) + 1,
  totals: [
    [BodyLong, 1],
    [BodyDoji, 0],
  ],
  detect: (w, s) =>
    w.body(1) > w.avg(BodyLong, s[0], 1) && w.body(0) <= w.avg(BodyDoji, s[1], 0)
      ? -w.color(1) * haramiScore(w.bodyTop(0), w.bodyBottom(0), w.bodyTop(1), w.bodyBottom(1))
      : 0,
};

const piercing: CandlePattern = {
  name: 'piercing',
  lookback: BodyLong.avgPeriod + 1,
  totals: [
    [BodyLong, 1],
    [BodyLong, 0],
  ],
  detect: (w, s) =>
    w.color(1) === -1 &&
    w.body(1) > w.avg(BodyLong, s[0], 1) &&
    w.color(0) === 1 &&
    w.body(0) > w.avg(BodyLong, s[1], 0) &&
    w.o(0) < w.l(1) &&
    w.c(0) < w.o(1) &&
    w.c(0) > w.c(1) + w.body(1) * 0.5
      ? 100
      : 0,
};

const darkCloudCover: CandlePattern = {
  name: 'darkcloudcover',
  lookback: BodyLong.avgPeriod + 1,
  penetration: 0.5,
  totals: [[BodyLong, 1]],
  detect: (w, s, penetration) =>
    w.color(1) === 1 &&
    w.body(1) > w.avg(BodyLong, s[0], 1) &&
    w.color(0) === -1 &&
    w.o(0) > w.h(1) &&
    w.c(0) > w.o(1) &&
    w.c(0) < w.c(1) - w.body(1) * penetration
      ? -100
      : 0,
};

/** Both candles marubozu of opposite colours with a gap between them (kicking and kicking by length). */
function isKick(w: CandleWindow, s: Int32Array): boolean {
  return (
    w.color(1) === -w.color(0) &&
    w.body(1) > w.avg(BodyLong, s[0], 1) &&
    w.upper(1) < w.avg(ShadowVeryShort, s[2], 1) &&
    w.lower(1) < w.avg(ShadowVeryShort, s[2], 1) &&
    w.body(0) > w.avg(BodyLong, s[1], 0) &&
    w.upper(0) < w.avg(ShadowVeryShort, s[3], 0) &&
    w.lower(0) < w.avg(ShadowVeryShort, s[3], 0) &&
    ((w.color(1) === -1 && w.gapUp(0, 1)) || (w.color(1) === 1 && w.gapDown(0, 1)))
  );
}

const kickTotals = [
  [BodyLong, 1],
  [BodyLong, 0],
  [ShadowVeryShort, 1],
  [ShadowVeryShort, 0],
] as const;

const kicking: CandlePattern = {
  name: 'kicking',
  lookback: Math.max(ShadowVeryShort.avgPeriod, BodyLong.avgPeriod) + 1,
  totals: kickTotals,
  detect: (w, s) => (isKick(w, s) ? w.color(0) * 100 : 0),
};

const kickingByLength: CandlePattern = {
  name: 'kickingbylength',
  lookback: Math.max(ShadowVeryShort.avgPeriod, BodyLong.avgPeriod) + 1,
  totals: kickTotals,
  // The direction is the colour of the longer marubozu.
  detect: (w, s) => (isKick(w, s) ? w.color(w.body(0) > w.body(1) ? 0 : 1) * 100 : 0),
};

const counterattack: CandlePattern = {
  name: 'counterattack',
  lookback: Math.max(Equal.avgPeriod, BodyLong.avgPeriod) + 1,
  totals: [
    [BodyLong, 1],
    [BodyLong, 0],
    [Equal, 1],
  ],
  detect: (w, s) =>
    w.color(1) === -w.color(0) &&
    w.body(1) > w.avg(BodyLong, s[0], 1) &&
    w.body(0) > w.avg(BodyLong, s[1], 0) &&
    w.c(0) <= w.c(1) + w.avg(Equal, s[2], 1) &&
    w.c(0) >= w.c(1) - w.avg(Equal, s[2], 1)
      ? w.color(0) * 100
      : 0,
};

const dojiStar: CandlePattern = {
  name: 'dojistar',
  lookback: Math.max(BodyDoji.avgPeriod, BodyLong.avgPeriod) + 1,
  totals: [
    [BodyLong, 1],
    [BodyDoji, 0],
  ],
  detect: (w, s) =>
    w.body(1) > w.avg(BodyLong, s[0], 1) &&
    w.body(0) <= w.avg(BodyDoji, s[1], 0) &&
    ((w.color(1) === 1 && w.bodyGapUp(0, 1)) || (w.color(1) === -1 && w.bodyGapDown(0, 1)))
      ? -w.color(1) * 100
      : 0,
};

const homingPigeon: CandlePattern = {
  name: 'homingpigeon',
  lookback: Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 1,
  totals: [
    [BodyLong, 1],
    [BodyShort, 0],
  ],
  detect: (w, s) =>
    w.color(1) === -1 &&
    w.color(0) === -1 &&
    w.body(1) > w.avg(BodyLong, s[0], 1) &&
    w.body(0) <= w.avg(BodyShort, s[1], 0) &&
    w.o(0) < w.o(1) &&
    w.c(0) > w.c(1)
      ? 100
      : 0,
};

/** A long black candle, then a white one opening below its low (in-neck, on-neck, thrusting). */
const neckTotals = [
  [BodyLong, 1],
  [Equal, 1],
] as const;
const neckLookback = Math.max(Equal.avgPeriod, BodyLong.avgPeriod) + 1;

const inNeck: CandlePattern = {
  name: 'inneck',
  lookback: neckLookback,
  totals: neckTotals,
  detect: (w, s) =>
    w.color(1) === -1 &&
    w.body(1) > w.avg(BodyLong, s[0], 1) &&
    w.color(0) === 1 &&
    w.o(0) < w.l(1) &&
    w.c(0) <= w.c(1) + w.avg(Equal, s[1], 1) &&
    w.c(0) >= w.c(1)
      ? -100
      : 0,
};

const onNeck: CandlePattern = {
  name: 'onneck',
  lookback: neckLookback,
  totals: neckTotals,
  detect: (w, s) =>
    w.color(1) === -1 &&
    w.body(1) > w.avg(BodyLong, s[0], 1) &&
    w.color(0) === 1 &&
    w.o(0) < w.l(1) &&
    w.c(0) <= w.l(1) + w.avg(Equal, s[1], 1) &&
    w.c(0) >= w.l(1) - w.avg(Equal, s[1], 1)
      ? -100
      : 0,
};

const thrusting: CandlePattern = {
  name: 'thrusting',
  lookback: neckLookback,
  totals: neckTotals,
  detect: (w, s) =>
    w.color(1) === -1 &&
    w.body(1) > w.avg(BodyLong, s[0], 1) &&
    w.color(0) === 1 &&
    w.o(0) < w.l(1) &&
    w.c(0) > w.c(1) + w.avg(Equal, s[1], 1) &&
    w.c(0) <= w.c(1) + w.body(1) * 0.5
      ? -100
      : 0,
};

const matchingLow: CandlePattern = {
  name: 'matchinglow',
  lookback: Equal.avgPeriod + 1,
  totals: [[Equal, 1]],
  detect: (w, s) =>
    w.color(1) === -1 &&
    w.color(0) === -1 &&
    w.c(0) <= w.c(1) + w.avg(Equal, s[0], 1) &&
    w.c(0) >= w.c(1) - w.avg(Equal, s[0], 1)
      ? 100
      : 0,
};

const separatingLines: CandlePattern = {
  name: 'separatinglines',
  lookback: Math.max(ShadowVeryShort.avgPeriod, BodyLong.avgPeriod, Equal.avgPeriod) + 1,
  totals: [
    [ShadowVeryShort, 0],
    [BodyLong, 0],
    [Equal, 1],
  ],
  detect: (w, s) =>
    w.color(1) === -w.color(0) &&
    w.o(0) <= w.o(1) + w.avg(Equal, s[2], 1) &&
    w.o(0) >= w.o(1) - w.avg(Equal, s[2], 1) &&
    w.body(0) > w.avg(BodyLong, s[1], 0) &&
    ((w.color(0) === 1 && w.lower(0) < w.avg(ShadowVeryShort, s[0], 0)) ||
      (w.color(0) === -1 && w.upper(0) < w.avg(ShadowVeryShort, s[0], 0)))
      ? w.color(0) * 100
      : 0,
};

export const TWO_CANDLE_PATTERNS: readonly CandlePattern[] = [
  engulfing,
  harami,
  haramiCross,
  piercing,
  darkCloudCover,
  kicking,
  kickingByLength,
  counterattack,
  dojiStar,
  homingPigeon,
  inNeck,
  onNeck,
  thrusting,
  matchingLow,
  separatingLines,
];
