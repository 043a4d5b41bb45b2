/**
 * Timeframes aligned like Binance: every candle opens on a UTC epoch boundary that is a whole
 * multiple of its length, except weeks, which open on Monday 00:00 UTC.
 */
export const TIMEFRAMES = [
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
] as const;

export type Timeframe = (typeof TIMEFRAMES)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const MS: Record<Timeframe, number> = {
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '6h': 6 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': DAY,
  '3d': 3 * DAY,
  '1w': 7 * DAY,
};

/** 1970-01-01 was a Thursday; Binance weeks open on Monday, four days later. */
const WEEK_OFFSET = 4 * DAY;

export function isTimeframe(value: string): value is Timeframe {
  return Object.hasOwn(MS, value);
}

/** Parses a timeframe name; throws an error that lists the valid names. */
export function parseTimeframe(value: string): Timeframe {
  const v = value.trim();
  if (isTimeframe(v)) return v;
  throw new Error(`unknown timeframe "${value}"; valid timeframes are ${TIMEFRAMES.join(', ')}`);
}

export function timeframeMs(tf: Timeframe): number {
  return MS[tf];
}

/** Offset of the alignment grid from the Unix epoch (non-zero only for weeks). */
export function timeframeOffset(tf: Timeframe): number {
  return tf === '1w' ? WEEK_OFFSET : 0;
}

/** Open time of the candle of `tf` that contains the instant `time` (ms). */
export function alignTime(tf: Timeframe, time: number): number {
  const ms = MS[tf];
  const off = tf === '1w' ? WEEK_OFFSET : 0;
  const r = (time - off) % ms;
  return time - (r < 0 ? r + ms : r);
}

export function isAligned(tf: Timeframe, time: number): boolean {
  return alignTime(tf, time) === time;
}

/** Close time of a candle: the instant its successor opens (exclusive end). */
export function closeTime(tf: Timeframe, openTime: number): number {
  return openTime + MS[tf];
}

/** True when every candle of `higher` is made of whole candles of `lower`. */
export function divides(lower: Timeframe, higher: Timeframe): boolean {
  const lo = MS[lower];
  const hi = MS[higher];
  return hi > lo && hi % lo === 0 && timeframeOffset(higher) % lo === 0;
}

export function compareTimeframes(a: Timeframe, b: Timeframe): number {
  return MS[a] - MS[b];
}
