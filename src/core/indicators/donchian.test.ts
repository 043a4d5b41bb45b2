import { describe, expect, it } from 'vitest';
import { Donchian, donchian } from './donchian.js';

const highs = [3, 5, 4, 6, 2, 1];
const lows = [1, 2, 0, 3, 2.5, 0.5];

function streamed(period: number) {
  const d = new Donchian(period);
  return highs.map((high, i) => {
    const r = d.update({ open: high, high, low: lows[i], close: high, volume: 1 });
    return r ? [r.upper, r.middle, r.lower] : null;
  });
}

describe('Donchian', () => {
  it('gives the highest high, lowest low and their midpoint over the window (worked by hand)', () => {
    const got = streamed(3);
    expect(got[0]).toBeNull();
    expect(got[1]).toBeNull();
    expect(got[2]).toEqual([5, 2.5, 0]); // highs 3,5,4  lows 1,2,0
    expect(got[3]).toEqual([6, 3, 0]); // highs 5,4,6  lows 2,0,3
    expect(got[4]).toEqual([6, 3, 0]); // highs 4,6,2  lows 0,3,2.5
    expect(got[5]).toEqual([6, 3.25, 0.5]); // highs 6,2,1  lows 3,2.5,0.5: the 0 has left
  });

  it('batch gives the same columns, NaN during the period - 1 warm-up', () => {
    const r = donchian(Float64Array.from(highs), Float64Array.from(lows), 3);
    const got = streamed(3);
    for (let i = 0; i < highs.length; i++) {
      const s = got[i];
      if (s === null) {
        expect(Number.isNaN(r.upper[i]) && Number.isNaN(r.middle[i]) && Number.isNaN(r.lower[i])).toBe(true);
      } else {
        expect([r.upper[i], r.middle[i], r.lower[i]]).toEqual(s);
      }
    }
  });

  it('with period 1 is the bar itself', () => {
    expect(streamed(1)[4]).toEqual([2, 2.25, 2.5]);
  });

  it('defaults to 20 bars (lookback 19) and rejects a bad period by name', () => {
    expect(new Donchian().lookback).toBe(19);
    expect(() => new Donchian(0)).toThrow(RangeError);
    expect(() => new Donchian(2.5)).toThrow(/period/);
    expect(() => donchian(new Float64Array(3), new Float64Array(3), -1)).toThrow(/Donchian: period/);
  });
});
