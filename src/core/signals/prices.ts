import type { Direction, Signal } from './types.js';

/** The prices of a signal (or of a plan that will become one) that must lie in order. */
export type SignalPrices = Pick<Signal, 'stopLoss' | 'entryPrice' | 'takeProfits'>;

/**
 * The price levels from the stop outwards: 0 the stop, 1 the entry, 2..4 TP1..TP3. For a BUY
 * each lies above the one before it, for a SELL below.
 */
export type PriceLevel = 0 | 1 | 2 | 3 | 4;

const LEVELS: readonly PriceLevel[] = [0, 1, 2, 3, 4];

/** The rule in words, for messages: `stop < entry < TP1 < TP2 < TP3`, mirrored for a SELL. */
export function priceOrderText(direction: Direction): string {
  return direction === 'BUY' ? 'stop < entry < TP1 < TP2 < TP3' : 'stop > entry > TP1 > TP2 > TP3';
}

export function priceAt(prices: SignalPrices, level: PriceLevel): number {
  if (level === 0) return prices.stopLoss;
  if (level === 1) return prices.entryPrice;
  return prices.takeProfits[level - 2];
}

/** The first level, from the stop outwards, that breaks the price order, and how. */
export interface PriceOrderBreach {
  readonly level: PriceLevel;
  readonly price: number;
  /** not_a_price: not a finite number above 0; out_of_order: not strictly beyond the level before. */
  readonly rule: 'not_a_price' | 'out_of_order';
}

/**
 * Null when every price is a finite number above 0 and, for a BUY, stop < entry < TP1 < TP2 <
 * TP3 (SELL mirrored); otherwise the first level from the stop outwards that is not a price or
 * not strictly beyond the one before it. Each caller words its own message from the breach.
 */
export function priceOrderBreach(direction: Direction, prices: SignalPrices): PriceOrderBreach | null {
  const sign = direction === 'BUY' ? 1 : -1;
  let previous = Number.NaN;
  for (const level of LEVELS) {
    const price = priceAt(prices, level);
    if (!(Number.isFinite(price) && price > 0)) return { level, price, rule: 'not_a_price' };
    if (level > 0 && !(sign * (price - previous) > 0)) return { level, price, rule: 'out_of_order' };
    previous = price;
  }
  return null;
}
