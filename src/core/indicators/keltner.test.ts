import { describe, expect, it } from 'vitest';
import { Keltner, keltner } from './keltner.js';

describe('Keltner', () => {
  // EMA 2 of the close (seed = mean of the first two closes), ATR 1 (= the true range), x 2.
  const bars = [
    [10, 8, 9],
    [11, 9, 10], // EMA 9.5, TR 2: 13.5 / 9.5 / 5.5
    [12, 9, 12], // EMA (12 - 9.5) * 2/3 + 9.5 = 67/6, TR 3: 67/6 ± 6
  ] as const;

  it('is EMA(close) ± multiplier * ATR (worked by hand)', () => {
    const k = new Keltner(2, 1, 2);
    expect(k.lookback).toBe(1);
    const got = bars.map(([high, low, close]) => {
      const r = k.update({ open: close, high, low, close, volume: 1 });
      return r ? [r.upper, r.middle, r.lower] : null;
    });
    expect(got[0]).toBeNull();
    expect(got[1]).toEqual([13.5, 9.5, 5.5]);
    const third = got[2] ?? [];
    expect(third[0]).toBeCloseTo(67 / 6 + 6, 12);
    expect(third[1]).toBeCloseTo(67 / 6, 12);
    expect(third[2]).toBeCloseTo(67 / 6 - 6, 12);

    const col = (i: number) => Float64Array.from(bars, (b) => b[i]);
    const r = keltner(col(0), col(1), col(2), 2, 1, 2);
    expect(Number.isNaN(r.upper[0]) && Number.isNaN(r.middle[0]) && Number.isNaN(r.lower[0])).toBe(true);
    expect([r.upper[1], r.middle[1], r.lower[1]]).toEqual(got[1]);
    expect([r.upper[2], r.middle[2], r.lower[2]]).toEqual(got[2]);
  });

  it('waits for the slower of its EMA and ATR', () => {
    expect(new Keltner().lookback).toBe(19); // EMA 20 (19) vs ATR 10 (10)
    expect(new Keltner(5, 10, 2).lookback).toBe(10);
    const n = 12;
    const c = Float64Array.from({ length: n }, (_, i) => 100 + i);
    const r = keltner(c, c, c, 5, 10, 2);
    for (let i = 0; i < 10; i++) expect(Number.isNaN(r.middle[i])).toBe(true);
    expect(Number.isNaN(r.middle[10])).toBe(false);
  });

  it('rejects bad parameters by name', () => {
    expect(() => new Keltner(1, 10, 2)).toThrow(/Keltner: emaPeriod/);
    expect(() => new Keltner(20, 0, 2)).toThrow(/Keltner: atrPeriod/);
    expect(() => new Keltner(20, 10, 0)).toThrow(/Keltner: multiplier/);
    const e = new Float64Array(0);
    expect(() => keltner(e, e, e, 20, 10, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
