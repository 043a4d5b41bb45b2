import { timeframeMs } from '../../../core/candles/timeframe.js';
import { netROf } from '../../../core/outcomes/trade-record.js';
import type { SignalWithOutcome } from '../../../core/pipeline/report-types.js';
import type { ChartSeries } from '../chart-series.js';
import {
  formatPercent,
  formatPrice,
  formatR,
  formatSignedPercent,
  formatTime,
  humanise,
  priceDecimals,
} from './format.js';

/** How a signal ended, as the report colours it: green net win, red net loss, grey for the rest. */
export type OutcomeClass = 'win' | 'loss' | 'flat' | 'open' | 'expired';

export function outcomeClass(s: SignalWithOutcome): OutcomeClass {
  const o = s.outcome;
  if (o === null) return 'open';
  if (!o.filled) return 'expired';
  // a win is a trade that made money after costs, as the track record counts it
  const net = netROf(o);
  if (net > 0) return 'win';
  if (net < 0) return 'loss';
  return 'flat';
}

export function outcomeLabel(s: SignalWithOutcome): string {
  if (s.outcome === null) return 'Open at end';
  return humanise(s.outcome.type);
}

/** One signal as the page script needs it: prices, the outcome, and words already formatted. */
export interface ClientSignal {
  readonly id: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly strategy: string;
  readonly direction: 'BUY' | 'SELL';
  readonly createdAt: number;
  readonly entry: number;
  readonly stopLoss: number;
  readonly takeProfits: readonly [number, number, number];
  readonly outcomeClass: OutcomeClass;
  /** When and where the position was left, for the exit marker; null when never filled. */
  readonly exitTime: number | null;
  readonly exitPrice: number | null;
  /** "2025-06-01 13:00 · BTCUSDT 1h · momentum BUY" */
  readonly title: string;
  /** "TP hit · +1.95 R net (+2.10 R gross) · +1.20 %" */
  readonly result: string;
  readonly prices: readonly (readonly [label: string, value: string])[];
  readonly reasons: readonly string[];
  readonly outcomeReason: string | null;
}

export interface ClientChart {
  readonly symbol: string;
  readonly timeframe: string;
  /** [open time in seconds UTC, open, high, low, close], ascending, unique times. */
  readonly candles: readonly (readonly [number, number, number, number, number])[];
  /** Seconds per candle, to place a signal on the candle its creation time falls in. */
  readonly interval: number;
  /** Price precision for the axis, from the typical price. */
  readonly precision: number;
}

export interface ClientEquityPoint {
  /** Seconds UTC, unique and ascending. */
  readonly time: number;
  /** Cumulative return as a fraction. */
  readonly value: number;
  readonly drawdown: number;
}

/** Signals in the order the report lists them: by creation time, then symbol, then id. */
export function sortSignals(signals: readonly SignalWithOutcome[]): SignalWithOutcome[] {
  return [...signals].sort(
    (a, b) =>
      a.signal.createdAt - b.signal.createdAt ||
      (a.signal.symbol < b.signal.symbol ? -1 : a.signal.symbol > b.signal.symbol ? 1 : 0) ||
      (a.signal.id < b.signal.id ? -1 : a.signal.id > b.signal.id ? 1 : 0),
  );
}

export function toClientSignal(s: SignalWithOutcome): ClientSignal {
  const sig = s.signal;
  const o = s.outcome;
  const d = priceDecimals(sig.entryPrice);
  const r = o?.filled
    ? ` · ${formatR(netROf(o))} net (${formatR(o.rMultiple)} gross) · ${formatSignedPercent(o.returnPct)}`
    : '';
  return {
    id: sig.id,
    symbol: sig.symbol,
    timeframe: sig.timeframe,
    strategy: sig.strategy,
    direction: sig.direction,
    createdAt: sig.createdAt,
    entry: sig.entryPrice,
    stopLoss: sig.stopLoss,
    takeProfits: sig.takeProfits,
    outcomeClass: outcomeClass(s),
    exitTime: o?.filled ? o.exitTime : null,
    exitPrice: o?.filled ? o.averageExitPrice : null,
    title: `${formatTime(sig.createdAt)} UTC · ${sig.symbol} ${sig.timeframe} · ${humanise(sig.strategy)} ${sig.direction}`,
    result: `${outcomeLabel(s)}${r}`,
    prices: [
      [`Entry (${humanise(sig.entryType)})`, formatPrice(sig.entryPrice, d)],
      ['Stop', formatPrice(sig.stopLoss, d)],
      ['TP1', formatPrice(sig.takeProfits[0], d)],
      ['TP2', formatPrice(sig.takeProfits[1], d)],
      ['TP3', formatPrice(sig.takeProfits[2], d)],
      ['Confidence', formatPercent(sig.confidence, 1)],
      ['R:R', sig.rewardRisk.toFixed(2)],
    ],
    reasons: sig.reasons,
    outcomeReason: o === null ? null : o.reason,
  };
}

/** Candles ascending with one bar per second (the chart refuses repeated or unordered times). */
export function toClientChart(series: ChartSeries): ClientChart {
  const sorted = [...series.candles].filter(
    (c) =>
      Number.isFinite(c.time) &&
      Number.isFinite(c.open) &&
      Number.isFinite(c.high) &&
      Number.isFinite(c.low) &&
      Number.isFinite(c.close),
  );
  sorted.sort((a, b) => a.time - b.time);
  const candles: [number, number, number, number, number][] = [];
  for (const c of sorted) {
    const t = Math.floor(c.time / 1000);
    const row: [number, number, number, number, number] = [t, c.open, c.high, c.low, c.close];
    if (candles.length > 0 && candles[candles.length - 1][0] === t) candles[candles.length - 1] = row;
    else candles.push(row);
  }
  const typical = candles.length > 0 ? candles[candles.length - 1][4] : 1;
  return {
    symbol: series.symbol,
    timeframe: series.timeframe,
    candles,
    interval: timeframeMs(series.timeframe) / 1000,
    precision: priceDecimals(typical),
  };
}

/**
 * The equity curve as cumulative return. The starting equity is not in the report, so it is
 * recovered from the final point and the total return when both are known.
 */
export function toClientEquity(
  points: readonly { readonly time: number; readonly equity: number; readonly drawdown: number }[],
  totalReturn: number | null,
): ClientEquityPoint[] {
  if (points.length === 0) return [];
  const last = points[points.length - 1].equity;
  const start =
    totalReturn !== null && totalReturn > -1 && last > 0 ? last / (1 + totalReturn) : points[0].equity;
  const base = start > 0 ? start : 1;
  const out: ClientEquityPoint[] = [];
  for (const p of points) {
    const t = Math.floor(p.time / 1000);
    const point = { time: t, value: p.equity / base - 1, drawdown: p.drawdown };
    if (out.length > 0 && out[out.length - 1].time >= t) {
      if (out[out.length - 1].time === t) out[out.length - 1] = point;
      continue;
    }
    out.push(point);
  }
  return out;
}
