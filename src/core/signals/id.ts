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

/**
 * The last stamp written and its time: the strategies of one close (and the timeframes that
 * close together) share a creation time, so most candidates reuse the stamp instead of building
 * a Date and five padded fields again. One entry, so it cannot grow.
 */
let lastStampAt = Number.NaN;
let lastStamp = '';

/** `20250601T1300Z`: the UTC minute of `createdAt`. */
function stampOf(createdAt: number): string {
  if (createdAt === lastStampAt) return lastStamp;
  const d = new Date(createdAt);
  const stamp = `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}Z`;
  lastStampAt = createdAt;
  lastStamp = stamp;
  return stamp;
}

/** Two digits (module level, not a closure made on every call: ids are made for every candidate). */
function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
