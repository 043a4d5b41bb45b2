import type { TradeRecord } from '../metrics/types.js';
import type { Signal } from '../signals/types.js';
import type { Outcome } from './types.js';

/** The slice a signal belongs to: its strategy family on its signal timeframe. */
export function sliceOf(signal: Pick<Signal, 'strategy' | 'timeframe'>): string {
  return `${signal.strategy}:${signal.timeframe}`;
}

/**
 * R after costs: the net return on the notional over the stop distance as a fraction of the
 * entry (a trade that lost exactly its stop plus costs is -1 R minus the costs in R).
 */
export function netROf(o: Pick<Outcome, 'returnPct' | 'entryPrice' | 'stopLoss'>): number {
  const risk = Math.abs(o.entryPrice - o.stopLoss) / o.entryPrice;
  return risk > 0 ? o.returnPct / risk : 0;
}

/** A trade for the metrics: only filled outcomes are trades. */
export function tradeOf(signal: Signal, o: Outcome): TradeRecord | null {
  if (!o.filled || o.fillTime === null) return null;
  return {
    id: signal.id,
    strategy: signal.strategy,
    symbol: signal.symbol,
    timeframe: signal.timeframe,
    slice: sliceOf(signal),
    direction: signal.direction,
    priority: signal.priority,
    entryType: signal.entryType,
    confidence: signal.confidence,
    openTime: o.fillTime,
    closeTime: o.exitTime,
    grossR: o.rMultiple,
    netR: netROf(o),
    returnPct: o.returnPct,
  };
}
