import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasRealData, loadRealCandles } from '../../../test/support/real-data.js';
import { RollingRank } from './rolling-rank.js';

/** The plain pass the class replaces: values among the last `window` (x included) below x. */
function naiveRanks(xs: readonly number[], window: number): number[] {
  return xs.map((x, i) => {
    let below = 0;
    for (let j = Math.max(0, i - window + 1); j <= i; j++) if (xs[j] < x) below++;
    return below;
  });
}

function ranks(xs: readonly number[], window: number): number[] {
  const r = new RollingRank(window);
  return xs.map((x) => r.push(x));
}

describe('RollingRank', () => {
  it('counts the held values below each new one, the oldest leaving once full', () => {
    expect(ranks([5, 3, 4, 1, 9, 4, 4], 3)).toEqual([0, 0, 1, 0, 2, 1, 0]);
  });

  it('equals a full pass on arbitrary series with ties, for several windows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 300 }),
        fc.integer({ min: 2, max: 40 }),
        (xs, window) => {
          expect(ranks(xs, window)).toEqual(naiveRanks(xs, window));
        },
      ),
    );
  });

  it.skipIf(!hasRealData)('equals a full pass on the real BTC 1h true ranges over 100 candles', () => {
    const candles = loadRealCandles('binance_BTCUSDT_1h.csv.gz');
    const xs = candles.map((c) => (c.high - c.low) / c.close);
    expect(ranks(xs, 100)).toEqual(naiveRanks(xs, 100));
  });

  it('refuses a bad window and NaN, and starts over on reset', () => {
    expect(() => new RollingRank(1)).toThrow(/window must be an integer >= 2, got 1/);
    const r = new RollingRank(3);
    expect(() => r.push(Number.NaN)).toThrow(/NaN has no rank/);
    r.push(1);
    r.push(2);
    r.reset();
    expect(r.length).toBe(0);
    expect(r.push(0)).toBe(0);
  });
});
