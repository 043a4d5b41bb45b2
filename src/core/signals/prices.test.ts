import { describe, expect, it } from 'vitest';
import { type PriceLevel, priceAt, priceOrderBreach, priceOrderText, type SignalPrices } from './prices.js';

const buy: SignalPrices = { stopLoss: 95, entryPrice: 100, takeProfits: [105, 110, 115] };
const sell: SignalPrices = { stopLoss: 105, entryPrice: 100, takeProfits: [95, 90, 85] };

/** `prices` with the price at `level` replaced. */
function withPrice(prices: SignalPrices, level: PriceLevel, price: number): SignalPrices {
  const all = [prices.stopLoss, prices.entryPrice, ...prices.takeProfits];
  all[level] = price;
  return { stopLoss: all[0], entryPrice: all[1], takeProfits: [all[2], all[3], all[4]] };
}

describe('priceOrderBreach', () => {
  it('accepts BUY prices rising from the stop and SELL prices falling from it', () => {
    expect(priceOrderBreach('BUY', buy)).toBeNull();
    expect(priceOrderBreach('SELL', sell)).toBeNull();
  });

  it('reads the levels from the stop outwards', () => {
    expect([0, 1, 2, 3, 4].map((l) => priceAt(buy, l as PriceLevel))).toEqual([95, 100, 105, 110, 115]);
  });

  it('names a level that is not a finite price above 0', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      for (const level of [0, 1, 2, 3, 4] as const) {
        expect(priceOrderBreach('BUY', withPrice(buy, level, bad)), `${bad} at ${level}`).toEqual({
          level,
          price: bad,
          rule: 'not_a_price',
        });
      }
    }
  });

  it('names the first level not strictly beyond the one before it, in either direction', () => {
    // equal to the previous level is out of order too
    expect(priceOrderBreach('BUY', withPrice(buy, 1, 95))).toEqual({
      level: 1,
      price: 95,
      rule: 'out_of_order',
    });
    expect(priceOrderBreach('BUY', withPrice(buy, 3, 104))).toEqual({
      level: 3,
      price: 104,
      rule: 'out_of_order',
    });
    expect(priceOrderBreach('SELL', withPrice(sell, 4, 91))).toEqual({
      level: 4,
      price: 91,
      rule: 'out_of_order',
    });
    // BUY prices given to a SELL break at the entry, which lies above the stop
    expect(priceOrderBreach('SELL', buy)).toEqual({ level: 1, price: 100, rule: 'out_of_order' });
  });

  it('reports the first breach from the stop outwards when there are several', () => {
    const both = withPrice(withPrice(buy, 1, 90), 4, Number.NaN);
    expect(priceOrderBreach('BUY', both)).toEqual({ level: 1, price: 90, rule: 'out_of_order' });
  });
});

describe('priceOrderText', () => {
  it('states the rule for each direction', () => {
    expect(priceOrderText('BUY')).toBe('stop < entry < TP1 < TP2 < TP3');
    expect(priceOrderText('SELL')).toBe('stop > entry > TP1 > TP2 > TP3');
  });
});
