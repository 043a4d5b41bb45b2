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

/** How much each trade risks, and how much all open trades may risk together. */
export interface Sizing {
  /** Fraction of equity lost if a trade's stop is hit (1 R): default 0.01. */
  readonly riskPerTrade: number;
  /** Open trades together risk at most this fraction of equity: default 0.1 (ten 1 % trades). */
  readonly maxOpenRisk: number;
}

export const DEFAULT_SIZING: Sizing = { riskPerTrade: 0.01, maxOpenRisk: 0.1 };

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
  /** Trades that found the open-risk cap full when they opened (they count in the statistics, not in equity). */
  readonly skippedByRiskCap: number;
  /** Trades the cap made smaller than `riskPerTrade`. */
  readonly reducedByRiskCap: number;
  /**
   * Net R the cap kept out of the equity: Σ (1 − fraction / riskPerTrade) × netR over the trades
   * it skipped or reduced. Positive when it left winners out. The equity follows the trades'
   * Σ netR minus this (compounded), not their whole Σ netR.
   */
  readonly rLeftOutByRiskCap: number;
  /** Equity after each close, in close order (trades closing together share one entry). */
  readonly closes: readonly { readonly time: number; readonly equity: number }[];
}

/**
 * The equity curve of an account that follows every signal at a fixed fraction of its equity
 * at risk: a trade opening with equity E risks s × E (s = riskPerTrade) and returns
 * s × E × netR when it closes, so costs count and a stop costs exactly s of the equity at the
 * open. Trades overlap as they did in the market; when the open trades already risk
 * `maxOpenRisk`, a new trade gets only what is left of that budget (nothing when it is full).
 * Opens and closes are taken in time order, a close before an open at the same instant.
 *
 * So a trade's equity change agrees with its net R exactly (s × E_open × netR, R being per unit
 * of the signal's stop distance from its entry, where limit entries fill), but the total return
 * is not s × Σ netR, for three reasons: (1) it compounds, Π (1 + s × netR) for trades taken one
 * after the other, whose log is about s × Σ netR − s² × Σ netR² / 2; (2) trades open at the
 * same time are each sized on the equity of their own open, so a cluster of k correlated trades
 * moves the equity like one k × s bet (its losses land on an equity already falling, its wins on
 * one already rising); (3) the cap leaves trades out (`rLeftOutByRiskCap`).
 *
 * One point per distinct close time, preceded by the origin point (the earliest fill) at the
 * starting equity. The max drawdown is tracked in the same walk; a tie keeps the earlier one.
 * Equity never goes below zero.
 */
export function walkEquity(
  trades: readonly TradeRecord[],
  startingEquity: number,
  sizing: Sizing = DEFAULT_SIZING,
): EquityWalk {
  const points: EquityPoint[] = [];
  const closes: { time: number; equity: number }[] = [];
  if (trades.length === 0) {
    return {
      points,
      finalEquity: startingEquity,
      drawdown: { depth: 0, peakTime: null, troughTime: null, recoveryTime: null },
      skippedByRiskCap: 0,
      reducedByRiskCap: 0,
      rLeftOutByRiskCap: 0,
      closes,
    };
  }
  const byOpen = [...trades].sort(
    (a, b) => a.openTime - b.openTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const byClose = byCloseTime(trades);
  const origin = Math.min(byOpen[0].openTime, byClose[0].closeTime);
  if (origin < byClose[0].closeTime) points.push({ time: origin, equity: startingEquity, drawdown: 0 });

  /** Per open trade: the fraction of equity it risks and the amount of equity that is. */
  const open = new Map<string, { fraction: number; amount: number }>();
  let openRisk = 0;
  let skipped = 0;
  let reduced = 0;
  let leftOutR = 0;
  let equity = startingEquity;
  let peak = startingEquity;
  let peakTime = origin;
  let maxDepth = 0;
  let maxPeak = startingEquity;
  let maxPeakTime: number | null = null;
  let maxTroughTime: number | null = null;
  let recoveryTime: number | null = null;

  let o = 0;
  for (let c = 0; c < byClose.length; ) {
    const time = byClose[c].closeTime;
    // every trade opening before this close takes its risk from the equity of its moment
    for (; o < byOpen.length && byOpen[o].openTime < time; o++) {
      const t = byOpen[o];
      // one that opened and closed at one instant was sized and booked at that close: it holds no risk
      if (t.closeTime <= t.openTime) continue;
      const fraction = Math.max(0, Math.min(sizing.riskPerTrade, sizing.maxOpenRisk - openRisk));
      if (fraction <= 0) skipped++;
      else if (fraction < sizing.riskPerTrade) reduced++;
      open.set(t.id, { fraction, amount: fraction * equity });
      openRisk += fraction;
    }
    for (; c < byClose.length && byClose[c].closeTime === time; c++) {
      const t = byClose[c];
      const position = open.get(t.id);
      // a trade that opens and closes at the same instant is sized here, at its close
      const fraction =
        position?.fraction ?? Math.max(0, Math.min(sizing.riskPerTrade, sizing.maxOpenRisk - openRisk));
      const amount = position?.amount ?? fraction * equity;
      if (!position) {
        if (fraction <= 0) skipped++;
        else if (fraction < sizing.riskPerTrade) reduced++;
      }
      if (fraction < sizing.riskPerTrade && sizing.riskPerTrade > 0) {
        leftOutR += (1 - fraction / sizing.riskPerTrade) * t.netR;
      }
      equity = Math.max(0, equity + amount * t.netR);
      if (position) {
        openRisk -= position.fraction;
        open.delete(t.id);
      }
    }
    if (openRisk < 1e-12) openRisk = 0;
    closes.push({ time, equity });
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
    skippedByRiskCap: skipped,
    reducedByRiskCap: reduced,
    rLeftOutByRiskCap: leftOutR,
    closes,
  };
}

/** Chart-ready equity curve of closed trades (see `walkEquity` for the definition). */
export function equityCurve(
  trades: readonly TradeRecord[],
  opts: { readonly startingEquity?: number; readonly sizing?: Sizing } = {},
): EquityPoint[] {
  return walkEquity(trades, opts.startingEquity ?? 1, opts.sizing).points;
}

/**
 * Daily returns of an equity walk on UTC days, from the day of the first close to the day of
 * the last close. A day's return is its closing equity over the previous day's closing equity
 * minus one (the first day is measured against the starting equity); days without a close are 0.
 */
export function dailyReturns(walk: EquityWalk, startingEquity: number): Float64Array {
  const closes = walk.closes;
  if (closes.length === 0) return new Float64Array(0);
  const firstDay = Math.floor(closes[0].time / DAY_MS);
  const lastDay = Math.floor(closes[closes.length - 1].time / DAY_MS);
  const returns = new Float64Array(lastDay - firstDay + 1);
  let equity = startingEquity;
  let previousClose = startingEquity;
  let i = 0;
  for (let day = firstDay; day <= lastDay; day++) {
    for (; i < closes.length && Math.floor(closes[i].time / DAY_MS) === day; i++) equity = closes[i].equity;
    returns[day - firstDay] = previousClose > 0 ? equity / previousClose - 1 : 0;
    previousClose = equity;
  }
  return returns;
}
