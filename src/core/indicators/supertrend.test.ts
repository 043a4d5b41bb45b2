import { describe, expect, it } from 'vitest';
import { SuperTrend, superTrend } from './supertrend.js';

// (high, low, close), worked by hand with ATR period 2 (TA-Lib seeding) and multiplier 1.
const bars = [
  [10, 8, 9],
  [11, 9, 10], // TR 2
  [12, 10, 11], // TR 2 -> ATR 2; bands 11 ± 2 -> upper 13, lower 9; starts down: 13
  [13, 11, 12.5], // TR 2 -> ATR 2; basic 14 / 10: upper stays 13, lower rises to 10; 12.5 <= 13: down, 13
  [15, 13, 14.5], // TR 2.5 -> ATR 2.25; basic 16.25 / 11.75: upper 13, lower 11.75; 14.5 > 13: flips up, 11.75
  [14, 12, 12.5], // TR 2.5 -> ATR 2.375; basic 15.375 / 10.625: prev close 14.5 > 13 resets upper to 15.375, lower stays 11.75; up, 11.75
  [12, 9, 9.5], // TR 3.5 -> ATR 2.9375; basic 13.4375 / 7.5625: upper 13.4375, lower 11.75; 9.5 < 11.75: flips down, 13.4375
] as const;
const expectedValue = [Number.NaN, Number.NaN, 13, 13, 11.75, 11.75, 13.4375];
const expectedDirection = [Number.NaN, Number.NaN, -1, -1, 1, 1, -1];

describe('SuperTrend', () => {
  it('follows the final-band rules and flips both ways (worked by hand)', () => {
    const st = new SuperTrend(2, 1);
    expect(st.lookback).toBe(2);
    bars.forEach(([high, low, close], i) => {
      const r = st.update({ open: close, high, low, close, volume: 1 });
      if (i < 2) {
        expect(r).toBeNull();
        expect(st.isStable()).toBe(false);
      } else {
        expect(r).toEqual({ value: expectedValue[i], direction: expectedDirection[i] });
      }
    });
  });

  it('batch gives the same numbers, NaN during warm-up', () => {
    const col = (k: number) => Float64Array.from(bars, (b) => b[k]);
    const r = superTrend(col(0), col(1), col(2), 2, 1);
    expect(Array.from(r.value)).toEqual(expectedValue);
    expect(Array.from(r.direction)).toEqual(expectedDirection);
  });

  it('returns one reused result object, and reset starts over', () => {
    const st = new SuperTrend(2, 1);
    const results = bars.map(([high, low, close]) => st.update({ open: close, high, low, close, volume: 1 }));
    expect(results[2]).toBe(results[6]);
    st.reset();
    expect(st.getResult()).toBeNull();
    expect(st.isStable()).toBe(false);
  });

  it('defaults to ATR 10 x 3 and rejects bad parameters by name', () => {
    const st = new SuperTrend();
    expect([st.atrPeriod, st.multiplier, st.lookback]).toEqual([10, 3, 10]);
    expect(() => new SuperTrend(0, 3)).toThrow(/SuperTrend: atrPeriod/);
    expect(() => new SuperTrend(10, 0)).toThrow(/SuperTrend: multiplier/);
    expect(() => new SuperTrend(10, Number.NaN)).toThrow(RangeError);
    const e = new Float64Array(0);
    expect(() => superTrend(e, e, e, 10, -1)).toThrow(/multiplier/);
  });
});
