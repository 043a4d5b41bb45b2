import { CandleSettings, type CandleWindow } from './candle-settings.js';
import type { CandlePattern } from './candlesticks.js';

/**
 * Patterns of four or five candles, and the two hikkakes (which remember a setup for a few
 * bars), transcribed from TA-Lib 0.6.0's ta_CDL*.c. Age 0 is the last candle (TA-Lib's `i`),
 * age 4 the first of a five-candle pattern (`i-4`).
 */

const { BodyLong, BodyShort, ShadowVeryShort, Near } = CandleSettings;

const threeLineStrike: CandlePattern = {
  name: '3linestrike',
  lookback: Near.avgPeriod + 3,
  totals: [
    [Near, 3],
    [Near, 2],
  ],
  detect: (w, s) =>
    w.color(3) === w.color(2) &&
    w.color(2) === w.color(1) &&
    w.color(0) === -w.color(1) &&
    w.o(2) >= w.bodyBottom(3) - w.avg(Near, s[0], 3) &&
    w.o(2) <= w.bodyTop(3) + w.avg(Near, s[0], 3) &&
    w.o(1) >= w.bodyBottom(2) - w.avg(Near, s[1], 2) &&
    w.o(1) <= w.bodyTop(2) + w.avg(Near, s[1], 2) &&
    ((w.color(1) === 1 && w.c(1) > w.c(2) && w.c(2) > w.c(3) && w.o(0) > w.c(1) && w.c(0) < w.o(3)) ||
      (w.color(1) === -1 && w.c(1) < w.c(2) && w.c(2) < w.c(3) && w.o(0) < w.c(1) && w.c(0) > w.o(3)))
      ? w.color(1) * 100
      : 0,
};

const breakaway: CandlePattern = {
  name: 'breakaway',
  lookback: BodyLong.avgPeriod + 4,
  totals: [[BodyLong, 4]],
  detect: (w, s) =>
    w.body(4) > w.avg(BodyLong, s[0], 4) &&
    w.color(4) === w.color(3) &&
    w.color(3) === w.color(1) &&
    w.color(1) === -w.color(0) &&
    ((w.color(4) === -1 &&
      w.bodyGapDown(3, 4) &&
      w.h(2) < w.h(3) &&
      w.l(2) < w.l(3) &&
      w.h(1) < w.h(2) &&
      w.l(1) < w.l(2) &&
      w.c(0) > w.o(3) &&
      w.c(0) < w.c(4)) ||
      (w.color(4) === 1 &&
        w.bodyGapUp(3, 4) &&
        w.h(2) > w.h(3) &&
        w.l(2) > w.l(3) &&
        w.h(1) > w.h(2) &&
        w.l(1) > w.l(2) &&
        w.c(0) < w.o(3) &&
        w.c(0) > w.c(4)))
      ? w.color(0) * 100
      : 0,
};

const concealingBabySwallow: CandlePattern = {
  name: 'concealbabyswall',
  lookback: ShadowVeryShort.avgPeriod + 3,
  totals: [
    [ShadowVeryShort, 3],
    [ShadowVeryShort, 2],
    [ShadowVeryShort, 1],
  ],
  detect: (w, s) =>
    w.color(3) === -1 &&
    w.color(2) === -1 &&
    w.color(1) === -1 &&
    w.color(0) === -1 &&
    w.lower(3) < w.avg(ShadowVeryShort, s[0], 3) &&
    w.upper(3) < w.avg(ShadowVeryShort, s[0], 3) &&
    w.lower(2) < w.avg(ShadowVeryShort, s[1], 2) &&
    w.upper(2) < w.avg(ShadowVeryShort, s[1], 2) &&
    w.bodyGapDown(1, 2) &&
    w.upper(1) > w.avg(ShadowVeryShort, s[2], 1) &&
    w.h(1) > w.c(2) &&
    w.h(0) > w.h(1) &&
    w.l(0) < w.l(1)
      ? 100
      : 0,
};

const ladderBottom: CandlePattern = {
  name: 'ladderbottom',
  lookback: ShadowVeryShort.avgPeriod + 4,
  totals: [[ShadowVeryShort, 1]],
  detect: (w, s) =>
    w.color(4) === -1 &&
    w.color(3) === -1 &&
    w.color(2) === -1 &&
    w.o(4) > w.o(3) &&
    w.o(3) > w.o(2) &&
    w.c(4) > w.c(3) &&
    w.c(3) > w.c(2) &&
    w.color(1) === -1 &&
    w.upper(1) > w.avg(ShadowVeryShort, s[0], 1) &&
    w.color(0) === 1 &&
    w.o(0) > w.o(1) &&
    w.c(0) > w.h(1)
      ? 100
      : 0,
};

const matHold: CandlePattern = {
  name: 'mathold',
  lookback: Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 4,
  penetration: 0.5,
  totals: [
    [BodyLong, 4],
    [BodyShort, 3],
    [BodyShort, 2],
    [BodyShort, 1],
  ],
  detect: (w, s, penetration) => {
    if (
      !(
        w.body(4) > w.avg(BodyLong, s[0], 4) &&
        w.body(3) < w.avg(BodyShort, s[1], 3) &&
        w.body(2) < w.avg(BodyShort, s[2], 2) &&
        w.body(1) < w.avg(BodyShort, s[3], 1) &&
        w.color(4) === 1 &&
        w.color(3) === -1 &&
        w.color(0) === 1 &&
        w.bodyGapUp(3, 4)
      )
    ) {
      return 0;
    }
    const firstClose = w.c(4);
    const deepest = firstClose - w.body(4) * penetration;
    const highest = Math.max(w.h(3), w.h(2), w.h(1));
    return w.bodyBottom(2) < firstClose &&
      w.bodyBottom(1) < firstClose &&
      w.bodyBottom(2) > deepest &&
      w.bodyBottom(1) > deepest &&
      w.bodyTop(2) < w.o(3) &&
      w.bodyTop(1) < w.bodyTop(2) &&
      w.o(0) > w.c(1) &&
      w.c(0) > highest
      ? 100
      : 0;
  },
};

const riseFallThreeMethods: CandlePattern = {
  name: 'risefall3methods',
  lookback: Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 4,
  totals: [
    [BodyLong, 4],
    [BodyShort, 3],
    [BodyShort, 2],
    [BodyShort, 1],
    [BodyLong, 0],
  ],
  detect: (w, s) => {
    if (
      !(
        w.body(4) > w.avg(BodyLong, s[0], 4) &&
        w.body(3) < w.avg(BodyShort, s[1], 3) &&
        w.body(2) < w.avg(BodyShort, s[2], 2) &&
        w.body(1) < w.avg(BodyShort, s[3], 1) &&
        w.body(0) > w.avg(BodyLong, s[4], 0) &&
        w.color(4) === -w.color(3) &&
        w.color(3) === w.color(2) &&
        w.color(2) === w.color(1) &&
        w.color(1) === -w.color(0)
      )
    ) {
      return 0;
    }
    const high4 = w.h(4);
    const low4 = w.l(4);
    // Multiplying by the first candle's colour turns "falling" into "rising" for the bearish case.
    const dir = w.color(4);
    return w.bodyBottom(3) < high4 &&
      w.bodyTop(3) > low4 &&
      w.bodyBottom(2) < high4 &&
      w.bodyTop(2) > low4 &&
      w.bodyBottom(1) < high4 &&
      w.bodyTop(1) > low4 &&
      w.c(2) * dir < w.c(3) * dir &&
      w.c(1) * dir < w.c(2) * dir &&
      w.o(0) * dir > w.c(1) * dir &&
      w.c(0) * dir > w.c(4) * dir
      ? 100 * dir
      : 0;
  },
};

/** State slots of the hikkakes: bar index of the last setup, and its direction (+-100). */
const SETUP_BAR = 0;
const SETUP_RESULT = 1;

/**
 * After a setup the hikkake watches three more bars for a close beyond the setup's second candle;
 * then it reports the confirmation as +-200 and forgets the setup.
 */
function hikkakeStep(w: CandleWindow, state: Int32Array, setup: boolean): number {
  const t = w.count - 1;
  if (setup) {
    const result = w.h(0) < w.h(1) ? 100 : -100;
    state[SETUP_BAR] = t;
    state[SETUP_RESULT] = result;
    return result;
  }
  const setupBar = state[SETUP_BAR];
  const result = state[SETUP_RESULT];
  if (t <= setupBar + 3) {
    const insideAge = t - setupBar + 1;
    if ((result > 0 && w.c(0) > w.h(insideAge)) || (result < 0 && w.c(0) < w.l(insideAge))) {
      state[SETUP_BAR] = 0;
      return result + (result > 0 ? 100 : -100);
    }
  }
  return 0;
}

const hikkakeLookback = 5;

const hikkake: CandlePattern = {
  name: 'hikkake',
  lookback: hikkakeLookback,
  // TA-Lib looks for setups on the three bars before its first output.
  firstBar: hikkakeLookback - 3,
  totals: [],
  stateSize: 2,
  detect: (w, _s, _p, state) =>
    hikkakeStep(
      w,
      state,
      w.h(1) < w.h(2) &&
        w.l(1) > w.l(2) &&
        ((w.h(0) < w.h(1) && w.l(0) < w.l(1)) || (w.h(0) > w.h(1) && w.l(0) > w.l(1))),
    ),
};

const hikkakeModLookback = Math.max(1, Near.avgPeriod) + 5;

const hikkakeMod: CandlePattern = {
  name: 'hikkakemod',
  lookback: hikkakeModLookback,
  firstBar: hikkakeModLookback - 3,
  totals: [[Near, 2]],
  stateSize: 2,
  detect: (w, s, _p, state) =>
    hikkakeStep(
      w,
      state,
      w.h(2) < w.h(3) &&
        w.l(2) > w.l(3) &&
        w.h(1) < w.h(2) &&
        w.l(1) > w.l(2) &&
        ((w.h(0) < w.h(1) && w.l(0) < w.l(1) && w.c(2) <= w.l(2) + w.avg(Near, s[0], 2)) ||
          (w.h(0) > w.h(1) && w.l(0) > w.l(1) && w.c(2) >= w.h(2) - w.avg(Near, s[0], 2))),
    ),
};

export const MANY_CANDLE_PATTERNS: readonly CandlePattern[] = [
  threeLineStrike,
  breakaway,
  concealingBabySwallow,
  ladderBottom,
  matHold,
  riseFallThreeMethods,
  hikkake,
  hikkakeMod,
];
