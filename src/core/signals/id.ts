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
  return `${symbol}-${timeframe}-${strategy}-${direction}-${stampOf(new Date(createdAt))}`;
}

/** `20250601T1300Z`: the UTC minute of the time. */
export function stampOf(d: Date): string {
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}Z`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
