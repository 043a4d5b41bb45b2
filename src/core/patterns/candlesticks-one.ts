import { CandleSettings } from './candle-settings.js';
import type { CandlePattern } from './candlesticks.js';

/**
 * Patterns about one candle (a few also glance at the candle before it), transcribed from
 * TA-Lib 0.6.0's ta_CDL*.c: the same tests, in the same order, on the same totals.
 * Ages: 0 is the candle being classified (TA-Lib's `i`), 1 the one before (`i-1`).
 */

const { BodyLong, BodyShort, BodyDoji, ShadowLong, ShadowVeryLong, ShadowShort, ShadowVeryShort, Near } =
  CandleSettings;

const doji: CandlePattern = {
  name: 'doji',
  lookback: BodyDoji.avgPeriod,
  totals: [[BodyDoji, 0]],
  detect: (w, s) => (w.body(0) <= w.avg(BodyDoji, s[0], 0) ? 100 : 0),
};

const dragonflyDoji: CandlePattern = {
  name: 'dragonflydoji',
  lookback: Math.max(BodyDoji.avgPeriod, ShadowVeryShort.avgPeriod),
  totals: [
    [BodyDoji, 0],
    [ShadowVeryShort, 0],
  ],
  detect: (w, s) =>
    w.body(0) <= w.avg(BodyDoji, s[0], 0) &&
    w.upper(0) < w.avg(ShadowVeryShort, s[1], 0) &&
    w.lower(0) > w.avg(ShadowVeryShort, s[1], 0)
      ? 100
      : 0,
};

const gravestoneDoji: CandlePattern = {
  name: 'gravestonedoji',
  lookback: Math.max(BodyDoji.avgPeriod, ShadowVeryShort.avgPeriod),
  totals: [
    [BodyDoji, 0],
    [ShadowVeryShort, 0],
  ],
  detect: (w, s) =>
    w.body(0) <= w.avg(BodyDoji, s[0], 0) &&
    w.lower(0) < w.avg(ShadowVeryShort, s[1], 0) &&
    w.upper(0) > w.avg(ShadowVeryShort, s[1], 0)
      ? 100
      : 0,
};

const longLeggedDoji: CandlePattern = {
  name: 'longleggeddoji',
  lookback: Math.max(BodyDoji.avgPeriod, ShadowLong.avgPeriod),
  totals: [
    [BodyDoji, 0],
    [ShadowLong, 0],
  ],
  detect: (w, s) =>
    w.body(0) <= w.avg(BodyDoji, s[0], 0) &&
    (w.lower(0) > w.avg(ShadowLong, s[1], 0) || w.upper(0) > w.avg(ShadowLong, s[1], 0))
      ? 100
      : 0,
};

const rickshawMan: CandlePattern = {
  name: 'rickshawman',
  lookback: Math.max(BodyDoji.avgPeriod, ShadowLong.avgPeriod, Near.avgPeriod),
  totals: [
    [BodyDoji, 0],
    [ShadowLong, 0],
    [Near, 0],
  ],
  detect: (w, s) => {
    if (
      !(
        w.body(0) <= w.avg(BodyDoji, s[0], 0) &&
        w.lower(0) > w.avg(ShadowLong, s[1], 0) &&
        w.upper(0) > w.avg(ShadowLong, s[1], 0)
      )
    ) {
      return 0;
    }
    // Body near the middle of the range, with TA-Lib's operation order.
    const middle = w.l(0) + w.range(0) / 2;
    const near = w.avg(Near, s[2], 0);
    return w.bodyBottom(0) <= middle + near && w.bodyTop(0) >= middle - near ? 100 : 0;
  },
};

const takuri: CandlePattern = {
  name: 'takuri',
  lookback: Math.max(BodyDoji.avgPeriod, ShadowVeryShort.avgPeriod, ShadowVeryLong.avgPeriod),
  totals: [
    [BodyDoji, 0],
    [ShadowVeryShort, 0],
    [ShadowVeryLong, 0],
  ],
  detect: (w, s) =>
    w.body(0) <= w.avg(BodyDoji, s[0], 0) &&
    w.upper(0) < w.avg(ShadowVeryShort, s[1], 0) &&
    w.lower(0) > w.avg(ShadowVeryLong, s[2], 0)
      ? 100
      : 0,
};

/** Small body, long lower shadow, almost no upper shadow (hammer and hanging man share it). */
const hammerShape = [
  [BodyShort, 0],
  [ShadowLong, 0],
  [ShadowVeryShort, 0],
  [Near, 1],
] as const;
const hammerLookback =
  Math.max(BodyShort.avgPeriod, ShadowLong.avgPeriod, ShadowVeryShort.avgPeriod, Near.avgPeriod) + 1;

const hammer: CandlePattern = {
  name: 'hammer',
  lookback: hammerLookback,
  totals: hammerShape,
  detect: (w, s) =>
    w.body(0) < w.avg(BodyShort, s[0], 0) &&
    w.lower(0) > w.avg(ShadowLong, s[1], 0) &&
    w.upper(0) < w.avg(ShadowVeryShort, s[2], 0) &&
    w.bodyBottom(0) <= w.l(1) + w.avg(Near, s[3], 1)
      ? 100
      : 0,
};

const hangingMan: CandlePattern = {
  name: 'hangingman',
  lookback: hammerLookback,
  totals: hammerShape,
  detect: (w, s) =>
    w.body(0) < w.avg(BodyShort, s[0], 0) &&
    w.lower(0) > w.avg(ShadowLong, s[1], 0) &&
    w.upper(0) < w.avg(ShadowVeryShort, s[2], 0) &&
    w.bodyBottom(0) >= w.h(1) - w.avg(Near, s[3], 1)
      ? -100
      : 0,
};

/** Small body, long upper shadow, almost no lower shadow. */
const invertedShape = [
  [BodyShort, 0],
  [ShadowLong, 0],
  [ShadowVeryShort, 0],
] as const;
const invertedLookback = Math.max(BodyShort.avgPeriod, ShadowLong.avgPeriod, ShadowVeryShort.avgPeriod) + 1;

const invertedHammer: CandlePattern = {
  name: 'invertedhammer',
  lookback: invertedLookback,
  totals: invertedShape,
  detect: (w, s) =>
    w.body(0) < w.avg(BodyShort, s[0], 0) &&
    w.upper(0) > w.avg(ShadowLong, s[1], 0) &&
    w.lower(0) < w.avg(ShadowVeryShort, s[2], 0) &&
    w.bodyGapDown(0, 1)
      ? 100
      : 0,
};

const shootingStar: CandlePattern = {
  name: 'shootingstar',
  lookback: invertedLookback,
  totals: invertedShape,
  detect: (w, s) =>
    w.body(0) < w.avg(BodyShort, s[0], 0) &&
    w.upper(0) > w.avg(ShadowLong, s[1], 0) &&
    w.lower(0) < w.avg(ShadowVeryShort, s[2], 0) &&
    w.bodyGapUp(0, 1)
      ? -100
      : 0,
};

const marubozu: CandlePattern = {
  name: 'marubozu',
  lookback: Math.max(BodyLong.avgPeriod, ShadowVeryShort.avgPeriod),
  totals: [
    [BodyLong, 0],
    [ShadowVeryShort, 0],
  ],
  detect: (w, s) =>
    w.body(0) > w.avg(BodyLong, s[0], 0) &&
    w.upper(0) < w.avg(ShadowVeryShort, s[1], 0) &&
    w.lower(0) < w.avg(ShadowVeryShort, s[1], 0)
      ? w.color(0) * 100
      : 0,
};

const closingMarubozu: CandlePattern = {
  name: 'closingmarubozu',
  lookback: Math.max(BodyLong.avgPeriod, ShadowVeryShort.avgPeriod),
  totals: [
    [BodyLong, 0],
    [ShadowVeryShort, 0],
  ],
  detect: (w, s) =>
    w.body(0) > w.avg(BodyLong, s[0], 0) &&
    ((w.color(0) === 1 && w.upper(0) < w.avg(ShadowVeryShort, s[1], 0)) ||
      (w.color(0) === -1 && w.lower(0) < w.avg(ShadowVeryShort, s[1], 0)))
      ? w.color(0) * 100
      : 0,
};

const beltHold: CandlePattern = {
  name: 'belthold',
  lookback: Math.max(BodyLong.avgPeriod, ShadowVeryShort.avgPeriod),
  totals: [
    [BodyLong, 0],
    [ShadowVeryShort, 0],
  ],
  detect: (w, s) =>
    w.body(0) > w.avg(BodyLong, s[0], 0) &&
    ((w.color(0) === 1 && w.lower(0) < w.avg(ShadowVeryShort, s[1], 0)) ||
      (w.color(0) === -1 && w.upper(0) < w.avg(ShadowVeryShort, s[1], 0)))
      ? w.color(0) * 100
      : 0,
};

const spinningTop: CandlePattern = {
  name: 'spinningtop',
  lookback: BodyShort.avgPeriod,
  totals: [[BodyShort, 0]],
  detect: (w, s) =>
    w.body(0) < w.avg(BodyShort, s[0], 0) && w.upper(0) > w.body(0) && w.lower(0) > w.body(0)
      ? w.color(0) * 100
      : 0,
};

const highWave: CandlePattern = {
  name: 'highwave',
  lookback: Math.max(BodyShort.avgPeriod, ShadowVeryLong.avgPeriod),
  totals: [
    [BodyShort, 0],
    [ShadowVeryLong, 0],
  ],
  detect: (w, s) =>
    w.body(0) < w.avg(BodyShort, s[0], 0) &&
    w.upper(0) > w.avg(ShadowVeryLong, s[1], 0) &&
    w.lower(0) > w.avg(ShadowVeryLong, s[1], 0)
      ? w.color(0) * 100
      : 0,
};

const longLine: CandlePattern = {
  name: 'longline',
  lookback: Math.max(BodyLong.avgPeriod, ShadowShort.avgPeriod),
  totals: [
    [BodyLong, 0],
    [ShadowShort, 0],
  ],
  detect: (w, s) =>
    w.body(0) > w.avg(BodyLong, s[0], 0) &&
    w.upper(0) < w.avg(ShadowShort, s[1], 0) &&
    w.lower(0) < w.avg(ShadowShort, s[1], 0)
      ? w.color(0) * 100
      : 0,
};

const shortLine: CandlePattern = {
  name: 'shortline',
  lookback: Math.max(BodyShort.avgPeriod, ShadowShort.avgPeriod),
  totals: [
    [BodyShort, 0],
    [ShadowShort, 0],
  ],
  detect: (w, s) =>
    w.body(0) < w.avg(BodyShort, s[0], 0) &&
    w.upper(0) < w.avg(ShadowShort, s[1], 0) &&
    w.lower(0) < w.avg(ShadowShort, s[1], 0)
      ? w.color(0) * 100
      : 0,
};

export const ONE_CANDLE_PATTERNS: readonly CandlePattern[] = [
  doji,
  dragonflyDoji,
  gravestoneDoji,
  longLeggedDoji,
  rickshawMan,
  takuri,
  hammer,
  hangingMan,
  invertedHammer,
  shootingStar,
  marubozu,
  closingMarubozu,
  beltHold,
  spinningTop,
  highWave,
  longLine,
  shortLine,
];
