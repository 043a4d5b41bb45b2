import type { EquityPoint, TradeRecord } from './types.js';

export const DAY_MS = 86_400_000;

/**
 * Trades in the order they closed. Ties fall back to fill time, then id, so the result (and
 * every streak, extreme and bootstrap draw built on it) does not depend on the caller's order.
 */
export function byCloseTime(trades: readonly TradeRecord[]): TradeRecord[] {
  return [...trades].sort(
    (a, b) =>
      a.closeTime - b.closeTime || a.openTime - b.openTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * Where the curve starts: the earliest fill (or the first close, should a record close before
 * any fill), so a loss on the very first trade is a drawdown from the starting equity.
 */
function originTime(sorted: readonly TradeRecord[]): number {
  let origin = sorted[0].closeTime;
  for (const trade of sorted) if (trade.openTime < origin) origin = trade.openTime;
  return origin;
}

/** Equity after a trade; a return of -100 % or worse leaves nothing, never negative equity. */
function compound(equity: number, returnPct: number): number {
  const next = equity * (1 + returnPct);
  return next > 0 ? next : 0;
}

export interface DrawdownStats {
  readonly depth: number;
  readonly peakTime: number | null;
  readonly troughTime: number | null;
  readonly recoveryTime: number | null;
}

export interface EquityWalk {
  readonly points: EquityPoint[];
  readonly finalEquity: number;
  readonly drawdown: DrawdownStats;
}

/**
 * The equity curve: every trade's return compounded on the equity at its close, as if each trade
 * carried the whole account (overlapping trades are therefore treated as sequential). One point
 * per distinct close time (trades closing in the same millisecond are one step, which keeps chart
 * times unique), preceded by the origin point at the starting equity unless a trade closes at the
 * origin itself. The max drawdown is tracked in the same walk; a tie keeps the earlier drawdown.
 */
export function walkEquity(sorted: readonly TradeRecord[], startingEquity: number): EquityWalk {
  const points: EquityPoint[] = [];
  if (sorted.length === 0) {
    return {
      points,
      finalEquity: startingEquity,
      drawdown: { depth: 0, peakTime: null, troughTime: null, recoveryTime: null },
    };
  }
  const origin = originTime(sorted);
  if (origin < sorted[0].closeTime) points.push({ time: origin, equity: startingEquity, drawdown: 0 });

  let equity = startingEquity;
  let peak = startingEquity;
  let peakTime = origin;
  let maxDepth = 0;
  let maxPeak = startingEquity;
  let maxPeakTime: number | null = null;
  let maxTroughTime: number | null = null;
  let recoveryTime: number | null = null;

  for (let i = 0; i < sorted.length; ) {
    const time = sorted[i].closeTime;
    for (; i < sorted.length && sorted[i].closeTime === time; i++)
      equity = compound(equity, sorted[i].returnPct);
    if (maxPeakTime !== null && recoveryTime === null && equity >= maxPeak) recoveryTime = time;
    if (equity > peak) {
      peak = equity;
      peakTime = time;
    }
    const depth = peak > 0 ? 1 - equity / peak : 0;
    if (depth > maxDepth) {
      maxDepth = depth;
      maxPeak = peak;
      maxPeakTime = peakTime;
      maxTroughTime = time;
      recoveryTime = null;
    }
    points.push({ time, equity, drawdown: depth });
  }
  return {
    points,
    finalEquity: equity,
    drawdown: { depth: maxDepth, peakTime: maxPeakTime, troughTime: maxTroughTime, recoveryTime },
  };
}

/** Chart-ready equity curve of closed trades (see `walkEquity` for the definition). */
export function equityCurve(
  trades: readonly TradeRecord[],
  opts: { readonly startingEquity?: number } = {},
): EquityPoint[] {
  return walkEquity(byCloseTime(trades), opts.startingEquity ?? 1).points;
}

/**
 * Daily returns of the equity curve on UTC days, from the day of the first close to the day of
 * the last close. A day's return is its closing equity over the previous day's closing equity
 * minus one (the first day is measured against the starting equity); days without a close are 0.
 */
export function dailyReturns(sorted: readonly TradeRecord[], startingEquity: number): Float64Array {
  if (sorted.length === 0) return new Float64Array(0);
  const firstDay = Math.floor(sorted[0].closeTime / DAY_MS);
  const lastDay = Math.floor(sorted[sorted.length - 1].closeTime / DAY_MS);
  const returns = new Float64Array(lastDay - firstDay + 1);
  let equity = startingEquity;
  let previousClose = startingEquity;
  let i = 0;
  for (let day = firstDay; day <= lastDay; day++) {
    for (; i < sorted.length && Math.floor(sorted[i].closeTime / DAY_MS) === day; i++) {
      equity = compound(equity, sorted[i].returnPct);
    }
    returns[day - firstDay] = previousClose > 0 ? equity / previousClose - 1 : 0;
    previousClose = equity;
  }
  return returns;
}
