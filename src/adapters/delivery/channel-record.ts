import type { Channel } from '../../core/delivery/types.js';
import { computePerformance } from '../../core/metrics/index.js';
import type { TradeRecord } from '../../core/metrics/types.js';
import { tradeOf } from '../../core/outcomes/trade-record.js';
import type { DeliveryStore } from '../store/delivery-port.js';

/** A channel's track record: the filled outcomes of the signals it delivered, after costs. */
export interface ChannelRecord {
  readonly channel: string;
  readonly trades: number;
  readonly minTrades: number;
  readonly reliable: boolean;
  readonly winRate: number | null;
  readonly expectancyR: number | null;
  readonly profitFactor: number | null;
  readonly totalReturnPct: number | null;
}

export async function channelRecord(
  store: DeliveryStore,
  c: Channel,
  minTrades = 30,
): Promise<ChannelRecord> {
  const trades: TradeRecord[] = [];
  for (const { signal, outcome } of await store.channelTrades(c.id)) {
    const t = tradeOf(signal, outcome);
    if (t) trades.push(t);
  }
  const p = computePerformance(trades, { bootstrapSamples: 0, minTrades });
  return {
    channel: c.slug,
    trades: p.trades,
    minTrades,
    reliable: p.trades >= minTrades,
    winRate: p.winRate.value,
    expectancyR: p.expectancyR.value,
    profitFactor: p.profitFactor.value,
    totalReturnPct: p.totalReturn.value,
  };
}

/** The record in one line, for the bot. */
export function recordLine(r: ChannelRecord): string {
  if (r.trades === 0) return `${r.channel}: no closed trades yet.`;
  const f = (x: number | null, d: number, unit = '') => (x === null ? 'n/a' : `${x.toFixed(d)}${unit}`);
  const win = r.winRate === null ? 'n/a' : `${Math.round(r.winRate * 100)}%`;
  return `${r.channel}: ${r.trades} trades, win rate ${win}, expectancy ${f(r.expectancyR, 2, ' R')}, profit factor ${f(r.profitFactor, 2)} (after costs${r.reliable ? '' : `; fewer than ${r.minTrades} trades, not yet reliable`})`;
}
