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
  const d = new Date(createdAt);
  const p = (n: number) => (n < 10 ? `0${n}` : String(n));
  const stamp = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}${p(d.getUTCMinutes())}Z`;
  return `${symbol}-${timeframe}-${strategy}-${direction}-${stamp}`;
}
