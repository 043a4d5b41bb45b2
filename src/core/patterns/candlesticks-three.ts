import { CandleSettings } from './candle-settings.js';
import type { CandlePattern } from './candlesticks.js';

/**
 * Three-candle patterns, transcribed from TA-Lib 0.6.0's ta_CDL*.c. Age 2 is the first candle
 * (TA-Lib's `i-2`), age 1 the second, age 0 the third (`i`).
 */

const { BodyLong, BodyShort, BodyDoji, ShadowLong, ShadowShort, ShadowVeryShort, Near, Far, Equal } =
  CandleSettings;

const starLookback = Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 2;
const dojiStarLookback = Math.max(BodyDoji.avgPeriod, BodyLong.avgPeriod, BodyShort.avgPeriod) + 2;

const morningStar: CandlePattern = {
  name: 'morningstar',
  lookback: starLookback,
  penetration: 0.3,
  totals: [
    [BodyLong, 2],
    [BodyShort, 1],
    [BodyShort, 0],
  ],
  detect: (w, s, penetration) =>
    w.body(2) > w.avg(BodyLong, s[0], 2) &&
    w.color(2) === -1 &&
    w.body(1) <= w.avg(BodyShort, s[1], 1) &&
    w.bodyGapDown(1, 2) &&
    w.body(0) > w.avg(BodyShort, s[2], 0) &&
    w.color(0) === 1 &&
    w.c(0) > w.c(2) + w.body(2) * penetration
      ? 100
      : 0,
};

const eveningStar: CandlePattern = {
  name: 'eveningstar',
  lookback: starLookback,
  penetration: 0.3,
  totals: [
    [BodyLong, 2],
    [BodyShort, 1],
    [BodyShort, 0],
  ],
  detect: (w, s, penetration) =>
    w.body(2) > w.avg(BodyLong, s[0], 2) &&
    w.color(2) === 1 &&
    w.body(1) <= w.avg(BodyShort, s[1], 1) &&
    w.bodyGapUp(1, 2) &&
    w.body(0) > w.avg(BodyShort, s[2], 0) &&
    w.color(0) === -1 &&
    w.c(0) < w.c(2) - w.body(2) * penetration
      ? -100
      : 0,
};

const dojiStarTotals = [
  [BodyLong, 2],
  [BodyDoji, 1],
  [BodyShort, 0],
] as const;

const morningDojiStar: CandlePattern = {
  name: 'morningdojistar',
  lookback: dojiStarLookback,
  penetration: 0.3,
  totals: dojiStarTotals,
  detect: (w, s, penetration) =>
    w.body(2) > w.avg(BodyLong, s[0], 2) &&
    w.color(2) === -1 &&
    w.body(1) <= w.avg(BodyDoji, s[1], 1) &&
    w.bodyGapDown(1, 2) &&
    w.body(0) > w.avg(BodyShort, s[2], 0) &&
    w.color(0) === 1 &&
    w.c(0) > w.c(2) + w.body(2) * penetration
      ? 100
      : 0,
};

const eveningDojiStar: CandlePattern = {
  name: 'eveningdojistar',
  lookback: dojiStarLookback,
  penetration: 0.3,
  totals: dojiStarTotals,
  detect: (w, s, penetration) =>
    w.body(2) > w.avg(BodyLong, s[0], 2) &&
    w.color(2) === 1 &&
    w.body(1) <= w.avg(BodyDoji, s[1], 1) &&
    w.bodyGapUp(1, 2) &&
    w.body(0) > w.avg(BodyShort, s[2], 0) &&
    w.color(0) === -1 &&
    w.c(0) < w.c(2) - w.body(2) * penetration
      ? -100
      : 0,
};

const abandonedBaby: CandlePattern = {
  name: 'abandonedbaby',
  lookback: dojiStarLookback,
  penetration: 0.3,
  totals: dojiStarTotals,
  detect: (w, s, penetration) =>
    w.body(2) > w.avg(BodyLong, s[0], 2) &&
    w.body(1) <= w.avg(BodyDoji, s[1], 1) &&
    w.body(0) > w.avg(BodyShort, s[2], 0) &&
    ((w.color(2) === 1 &&
      w.color(0) === -1 &&
      w.c(0) < w.c(2) - w.body(2) * penetration &&
      w.gapUp(1, 2) &&
      w.gapDown(0, 1)) ||
      (w.color(2) === -1 &&
        w.color(0) === 1 &&
        w.c(0) > w.c(2) + w.body(2) * penetration &&
        w.gapDown(1, 2) &&
        w.gapUp(0, 1)))
      ? w.color(0) * 100
      : 0,
};

const triStar: CandlePattern = {
  name: 'tristar',
  lookback: BodyDoji.avgPeriod + 2,
  totals: [[BodyDoji, 2]],
  detect: (w, s) => {
    // TA-Lib measures all three dojis against the first candle's average.
    const doji = w.avg(BodyDoji, s[0], 2);
    if (!(w.body(2) <= doji && w.body(1) <= doji && w.body(0) <= doji)) return 0;
    let result = 0;
    if (w.bodyGapUp(1, 2) && w.bodyTop(0) < w.bodyTop(1)) result = -100;
    if (w.bodyGapDown(1, 2) && w.bodyBottom(0) > w.bodyBottom(1)) result = 100;
    return result;
  },
};

const threeWhiteSoldiers: CandlePattern = {
  name: '3whitesoldiers',
  lookback: Math.max(ShadowVeryShort.avgPeriod, BodyShort.avgPeriod, Far.avgPeriod, Near.avgPeriod) + 2,
  totals: [
    [ShadowVeryShort, 2],
    [ShadowVeryShort, 1],
    [ShadowVeryShort, 0],
    [Near, 2],
    [Near, 1],
    [Far, 2],
    [Far, 1],
    [BodyShort, 0],
  ],
  detect: (w, s) =>
    w.color(2) === 1 &&
    w.upper(2) < w.avg(ShadowVeryShort, s[0], 2) &&
    w.color(1) === 1 &&
    w.upper(1) < w.avg(ShadowVeryShort, s[1], 1) &&
    w.color(0) === 1 &&
    w.upper(0) < w.avg(ShadowVeryShort, s[2], 0) &&
    w.c(0) > w.c(1) &&
    w.c(1) > w.c(2) &&
    w.o(1) > w.o(2) &&
    w.o(1) <= w.c(2) + w.avg(Near, s[3], 2) &&
    w.o(0) > w.o(1) &&
    w.o(0) <= w.c(1) + w.avg(Near, s[4], 1) &&
    w.body(1) > w.body(2) - w.avg(Far, s[5], 2) &&
    w.body(0) > w.body(1) - w.avg(Far, s[6], 1) &&
    w.body(0) > w.avg(BodyShort, s[7], 0)
      ? 100
      : 0,
};

const threeBlackCrows: CandlePattern = {
  name: '3blackcrows',
  lookback: ShadowVeryShort.avgPeriod + 3,
  totals: [
    [ShadowVeryShort, 2],
    [ShadowVeryShort, 1],
    [ShadowVeryShort, 0],
  ],
  detect: (w, s) =>
    w.color(3) === 1 &&
    w.color(2) === -1 &&
    w.lower(2) < w.avg(ShadowVeryShort, s[0], 2) &&
    w.color(1) === -1 &&
    w.lower(1) < w.avg(ShadowVeryShort, s[1], 1) &&
    w.color(0) === -1 &&
    w.lower(0) < w.avg(ShadowVeryShort, s[2], 0) &&
    w.o(1) < w.o(2) &&
    w.o(1) > w.c(2) &&
    w.o(0) < w.o(1) &&
    w.o(0) > w.c(1) &&
    w.h(3) > w.c(2) &&
    w.c(2) > w.c(1) &&
    w.c(1) > w.c(0)
      ? -100
      : 0,
};

const threeInside: CandlePattern = {
  name: '3inside',
  lookback: Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 2,
  totals: [
    [BodyLong, 2],
    [BodyShort, 1],
  ],
  detect: (w, s) =>
    w.body(2) > w.avg(BodyLong, s[0], 2) &&
    w.body(1) <= w.avg(BodyShort, s[1], 1) &&
    w.bodyTop(1) < w.bodyTop(2) &&
    w.bodyBottom(1) > w.bodyBottom(2) &&
    ((w.color(2) === 1 && w.color(0) === -1 && w.c(0) < w.o(2)) ||
      (w.color(2) === -1 && w.color(0) === 1 && w.c(0) > w.o(2)))
      ? -w.color(2) * 100
      : 0,
};

const threeOutside: CandlePattern = {
  name: '3outside',
  lookback: 3,
  totals: [],
  detect: (w) =>
    (w.color(1) === 1 && w.color(2) === -1 && w.c(1) > w.o(2) && w.o(1) < w.c(2) && w.c(0) > w.c(1)) ||
    (w.color(1) === -1 && w.color(2) === 1 && w.o(1) > w.c(2) && w.c(1) < w.o(2) && w.c(0) < w.c(1))
      ? w.color(1) * 100
      : 0,
};

const twoCrows: CandlePattern = {
  name: '2crows',
  lookback: BodyLong.avgPeriod + 2,
  totals: [[BodyLong, 2]],
  detect: (w, s) =>
    w.color(2) === 1 &&
    w.body(2) > w.avg(BodyLong, s[0], 2) &&
    w.color(1) === -1 &&
    w.bodyGapUp(1, 2) &&
    w.color(0) === -1 &&
    w.o(0) < w.o(1) &&
    w.o(0) > w.c(1) &&
    w.c(0) > w.o(2) &&
    w.c(0) < w.c(2)
      ? -100
      : 0,
};

const upsideGapTwoCrows: CandlePattern = {
  name: 'upsidegap2crows',
  lookback: Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 2,
  totals: [
    [BodyLong, 2],
    [BodyShort, 1],
  ],
  detect: (w, s) =>
    w.color(2) === 1 &&
    w.body(2) > w.avg(BodyLong, s[0], 2) &&
    w.color(1) === -1 &&
    w.body(1) <= w.avg(BodyShort, s[1], 1) &&
    w.bodyGapUp(1, 2) &&
    w.color(0) === -1 &&
    w.o(0) > w.o(1) &&
    w.c(0) < w.c(1) &&
    w.c(0) > w.c(2)
      ? -100
      : 0,
};

const threeStarsInSouth: CandlePattern = {
  name: '3starsinsouth',
  lookback:
    Math.max(ShadowVeryShort.avgPeriod, ShadowLong.avgPeriod, BodyLong.avgPeriod, BodyShort.avgPeriod) + 2,
  totals: [
    [BodyLong, 2],
    [ShadowLong, 2],
    [ShadowVeryShort, 1],
    [ShadowVeryShort, 0],
    [BodyShort, 0],
  ],
  detect: (w, s) =>
    w.color(2) === -1 &&
    w.color(1) === -1 &&
    w.color(0) === -1 &&
    w.body(2) > w.avg(BodyLong, s[0], 2) &&
    w.lower(2) > w.avg(ShadowLong, s[1], 2) &&
    w.body(1) < w.body(2) &&
    w.o(1) > w.c(2) &&
    w.o(1) <= w.h(2) &&
    w.l(1) < w.c(2) &&
    w.l(1) >= w.l(2) &&
    w.lower(1) > w.avg(ShadowVeryShort, s[2], 1) &&
    w.body(0) < w.avg(BodyShort, s[4], 0) &&
    w.lower(0) < w.avg(ShadowVeryShort, s[3], 0) &&
    w.upper(0) < w.avg(ShadowVeryShort, s[3], 0) &&
    w.l(0) > w.l(1) &&
    w.h(0) < w.h(1)
      ? 100
      : 0,
};

const advanceBlock: CandlePattern = {
  name: 'advanceblock',
  lookback:
    Math.max(ShadowLong.avgPeriod, ShadowShort.avgPeriod, Far.avgPeriod, Near.avgPeriod, BodyLong.avgPeriod) +
    2,
  totals: [
    [ShadowShort, 2],
    [ShadowShort, 1],
    [ShadowShort, 0],
    [ShadowLong, 1],
    [ShadowLong, 0],
    [Near, 2],
    [Near, 1],
    [Far, 2],
    [Far, 1],
    [BodyLong, 2],
  ],
  detect: (w, s) => {
    if (
      !(
        w.color(2) === 1 &&
        w.color(1) === 1 &&
        w.color(0) === 1 &&
        w.c(0) > w.c(1) &&
        w.c(1) > w.c(2) &&
        w.o(1) > w.o(2) &&
        w.o(1) <= w.c(2) + w.avg(Near, s[5], 2) &&
        w.o(0) > w.o(1) &&
        w.o(0) <= w.c(1) + w.avg(Near, s[6], 1) &&
        w.body(2) > w.avg(BodyLong, s[9], 2) &&
        w.upper(2) < w.avg(ShadowShort, s[0], 2)
      )
    ) {
      return 0;
    }
    const blocked =
      // the 2nd is far smaller than the 1st and the 3rd does not carry on
      (w.body(1) < w.body(2) - w.avg(Far, s[7], 2) && w.body(0) < w.body(1) + w.avg(Near, s[6], 1)) ||
      // the 3rd is far smaller than the 2nd
      w.body(0) < w.body(1) - w.avg(Far, s[8], 1) ||
      // shrinking bodies with some upper shadow on the 2nd or 3rd
      (w.body(0) < w.body(1) &&
        w.body(1) < w.body(2) &&
        (w.upper(0) > w.avg(ShadowShort, s[2], 0) || w.upper(1) > w.avg(ShadowShort, s[1], 1))) ||
      // a smaller 3rd with a long upper shadow
      (w.body(0) < w.body(1) && w.upper(0) > w.avg(ShadowLong, s[4], 0));
    return blocked ? -100 : 0;
  },
};

const gapSideSideWhite: CandlePattern = {
  name: 'gapsidesidewhite',
  lookback: Math.max(Near.avgPeriod, Equal.avgPeriod) + 2,
  totals: [
    [Near, 1],
    [Equal, 1],
  ],
  detect: (w, s) =>
    ((w.bodyGapUp(1, 2) && w.bodyGapUp(0, 2)) || (w.bodyGapDown(1, 2) && w.bodyGapDown(0, 2))) &&
    w.color(1) === 1 &&
    w.color(0) === 1 &&
    w.body(0) >= w.body(1) - w.avg(Near, s[0], 1) &&
    w.body(0) <= w.body(1) + w.avg(Near, s[0], 1) &&
    w.o(0) >= w.o(1) - w.avg(Equal, s[1], 1) &&
    w.o(0) <= w.o(1) + w.avg(Equal, s[1], 1)
      ? w.bodyGapUp(1, 2)
        ? 100
        : -100
      : 0,
};

const identicalThreeCrows: CandlePattern = {
  name: 'identical3crows',
  lookback: Math.max(ShadowVeryShort.avgPeriod, Equal.avgPeriod) + 2,
  totals: [
    [ShadowVeryShort, 2],
    [ShadowVeryShort, 1],
    [ShadowVeryShort, 0],
    [Equal, 2],
    [Equal, 1],
  ],
  detect: (w, s) =>
    w.color(2) === -1 &&
    w.lower(2) < w.avg(ShadowVeryShort, s[0], 2) &&
    w.color(1) === -1 &&
    w.lower(1) < w.avg(ShadowVeryShort, s[1], 1) &&
    w.color(0) === -1 &&
    w.lower(0) < w.avg(ShadowVeryShort, s[2], 0) &&
    w.c(2) > w.c(1) &&
    w.c(1) > w.c(0) &&
    w.o(1) <= w.c(2) + w.avg(Equal, s[3], 2) &&
    w.o(1) >= w.c(2) - w.avg(Equal, s[3], 2) &&
    w.o(0) <= w.c(1) + w.avg(Equal, s[4], 1) &&
    w.o(0) >= w.c(1) - w.avg(Equal, s[4], 1)
      ? -100
      : 0,
};

const stickSandwich: CandlePattern = {
  name: 'sticksandwich',
  lookback: Equal.avgPeriod + 2,
  totals: [[Equal, 2]],
  detect: (w, s) =>
    w.color(2) === -1 &&
    w.color(1) === 1 &&
    w.color(0) === -1 &&
    w.l(1) > w.c(2) &&
    w.c(0) <= w.c(2) + w.avg(Equal, s[0], 2) &&
    w.c(0) >= w.c(2) - w.avg(Equal, s[0], 2)
      ? 100
      : 0,
};

const stalledPattern: CandlePattern = {
  name: 'stalledpattern',
  lookback: Math.max(BodyLong.avgPeriod, BodyShort.avgPeriod, ShadowVeryShort.avgPeriod, Near.avgPeriod) + 2,
  totals: [
    [BodyLong, 2],
    [BodyLong, 1],
    [Near, 2],
    [Near, 1],
    [BodyShort, 0],
    [ShadowVeryShort, 1],
  ],
  detect: (w, s) =>
    w.color(2) === 1 &&
    w.color(1) === 1 &&
    w.color(0) === 1 &&
    w.c(0) > w.c(1) &&
    w.c(1) > w.c(2) &&
    w.body(2) > w.avg(BodyLong, s[0], 2) &&
    w.body(1) > w.avg(BodyLong, s[1], 1) &&
    w.upper(1) < w.avg(ShadowVeryShort, s[5], 1) &&
    w.o(1) > w.o(2) &&
    w.o(1) <= w.c(2) + w.avg(Near, s[2], 2) &&
    w.body(0) < w.avg(BodyShort, s[4], 0) &&
    w.o(0) >= w.c(1) - w.body(0) - w.avg(Near, s[3], 1)
      ? -100
      : 0,
};

const tasukiGap: CandlePattern = {
  name: 'tasukigap',
  lookback: Near.avgPeriod + 2,
  totals: [[Near, 1]],
  detect: (w, s) =>
    (w.bodyGapUp(1, 2) &&
      w.color(1) === 1 &&
      w.color(0) === -1 &&
      w.o(0) < w.c(1) &&
      w.o(0) > w.o(1) &&
      w.c(0) < w.o(1) &&
      w.c(0) > w.bodyTop(2) &&
      Math.abs(w.body(1) - w.body(0)) < w.avg(Near, s[0], 1)) ||
    (w.bodyGapDown(1, 2) &&
      w.color(1) === -1 &&
      w.color(0) === 1 &&
      w.o(0) < w.o(1) &&
      w.o(0) > w.c(1) &&
      w.c(0) > w.o(1) &&
      w.c(0) < w.bodyBottom(2) &&
      Math.abs(w.body(1) - w.body(0)) < w.avg(Near, s[0], 1))
      ? w.color(1) * 100
      : 0,
};

const uniqueThreeRiver: CandlePattern = {
  name: 'unique3river',
  lookback: Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 2,
  totals: [
    [BodyLong, 2],
    [BodyShort, 0],
  ],
  detect: (w, s) =>
    w.body(2) > w.avg(BodyLong, s[0], 2) &&
    w.color(2) === -1 &&
    w.color(1) === -1 &&
    w.c(1) > w.c(2) &&
    w.o(1) <= w.o(2) &&
    w.l(1) < w.l(2) &&
    w.body(0) < w.avg(BodyShort, s[1], 0) &&
    w.color(0) === 1 &&
    w.o(0) > w.l(1)
      ? 100
      : 0,
};

const sideGapThreeMethods: CandlePattern = {
  name: 'xsidegap3methods',
  lookback: 2,
  totals: [],
  detect: (w) =>
    w.color(2) === w.color(1) &&
    w.color(1) === -w.color(0) &&
    w.o(0) < w.bodyTop(1) &&
    w.o(0) > w.bodyBottom(1) &&
    w.c(0) < w.bodyTop(2) &&
    w.c(0) > w.bodyBottom(2) &&
    ((w.color(2) === 1 && w.bodyGapUp(1, 2)) || (w.color(2) === -1 && w.bodyGapDown(1, 2)))
      ? w.color(2) * 100
      : 0,
};

export const THREE_CANDLE_PATTERNS: readonly CandlePattern[] = [
  morningStar,
  eveningStar,
  morningDojiStar,
  eveningDojiStar,
  abandonedBaby,
  triStar,
  threeWhiteSoldiers,
  threeBlackCrows,
  threeInside,
  threeOutside,
  twoCrows,
  upsideGapTwoCrows,
  threeStarsInSouth,
  advanceBlock,
  gapSideSideWhite,
  identicalThreeCrows,
  stickSandwich,
  stalledPattern,
  tasukiGap,
  uniqueThreeRiver,
  sideGapThreeMethods,
];
