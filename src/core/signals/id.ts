import type { Timeframe } from '../candles/timeframe.js';
import type { Direction, StrategyName } from './types.js';

/**
 * A signal's id, derived only from what defines it: (symbol, signal timeframe, strategy,
 * direction, creation time). A rerun, a replay or a restart gives the same id, so storage can
 * be idempotent. Readable on purpose: `BTCUSDT-1h-momentum-BUY-20250601T1300Z`.
 */
export function signalId(
  symbol: string,
  timeframe: Timeframe,
  strategy: StrategyName,
  direction: Direction,
  createdAt: number,
): string {
  return `${symbol}-${timeframe}-${strategy}-${direction}-${stampOf(createdAt)}`;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * The UTC day last written ("20250601") and its day number since the epoch: candidates come in
 * time order, so most share the day of the one before and skip the Date object.
 */
let lastDay = Number.NaN;
let lastDayText = '';

/** "T0000Z" … "T2359Z", one per minute of the day, made on first use. */
let minuteTexts: string[] | null = null;

/** `20250601T1300Z`: the UTC minute of `createdAt`. */
function stampOf(createdAt: number): string {
  if (!Number.isFinite(createdAt)) return stampByDate(new Date(createdAt));
  const t = Math.trunc(createdAt); // as Date keeps it
  const day = Math.floor(t / DAY_MS);
  if (day !== lastDay) {
    const d = new Date(t);
    lastDayText = `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
    lastDay = day;
  }
  if (minuteTexts === null) {
    minuteTexts = [];
    for (let m = 0; m < 1440; m++) minuteTexts.push(`T${pad2(Math.floor(m / 60))}${pad2(m % 60)}Z`);
  }
  // the minute of the day as getUTCHours / getUTCMinutes give it (floor: also before 1970)
  return lastDayText + minuteTexts[Math.floor((t - day * DAY_MS) / MINUTE_MS)];
}

/** The stamp read from a Date (the reference the day and minute tables reproduce). */
export function stampByDate(d: Date): string {
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}Z`;
}

/** Two digits (module level, not a closure made on every call: ids are made for every candidate). */
function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
