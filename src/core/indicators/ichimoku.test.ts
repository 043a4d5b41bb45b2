import { describe, expect, it } from 'vitest';
import { Ichimoku, ichimoku } from './ichimoku.js';

// (high, low); tenkan 2, kijun 3, senkou B 4 so the windows can be checked by eye.
const bars = [
  [20, 8],
  [12, 5],
  [11, 7],
  [14, 10],
  [13, 12],
] as const;

describe('Ichimoku', () => {
  it('gives the unshifted lines known at each close (worked by hand)', () => {
    const ich = new Ichimoku(2, 3, 4, 3);
    expect(ich.lookback).toBe(3);
    const got = bars.map(([high, low]) => {
      const r = ich.update({ open: low, high, low, close: high, volume: 1 });
      return r ? [r.tenkan, r.kijun, r.senkouA, r.senkouB] : null;
    });
    expect(got.slice(0, 3)).toEqual([null, null, null]);
    // bar 3: tenkan (14 + 7) / 2, kijun (14 + 5) / 2, A = mean of both, B (20 + 5) / 2
    expect(got[3]).toEqual([10.5, 9.5, 10, 12.5]);
    // bar 4: tenkan (14 + 10) / 2, kijun (14 + 7) / 2, A, B (14 + 5) / 2: the 20 has left
    expect(got[4]).toEqual([12, 10.5, 11.25, 9.5]);

    const r = ichimoku(
      Float64Array.from(bars, (b) => b[0]),
      Float64Array.from(bars, (b) => b[1]),
      2,
      3,
      4,
      3,
    );
    for (let i = 0; i < 3; i++) expect(Number.isNaN(r.tenkan[i]) && Number.isNaN(r.senkouB[i])).toBe(true);
    expect([r.tenkan[3], r.kijun[3], r.senkouA[3], r.senkouB[3]]).toEqual(got[3]);
    expect([r.tenkan[4], r.kijun[4], r.senkouA[4], r.senkouB[4]]).toEqual(got[4]);
  });

  it('never looks ahead: a value is the same whether or not later bars exist', () => {
    const n = 300;
    const high = Float64Array.from({ length: n }, (_, i) => 100 + 10 * Math.sin(i / 7) + (i % 5));
    const low = Float64Array.from(high, (h, i) => h - 3 - (i % 3));
    const full = ichimoku(high, low);
    const cut = 180;
    const part = ichimoku(high.subarray(0, cut), low.subarray(0, cut));
    expect(Array.from(part.senkouA)).toEqual(Array.from(full.senkouA.subarray(0, cut)));
    expect(Array.from(part.senkouB)).toEqual(Array.from(full.senkouB.subarray(0, cut)));
  });

  it('defaults to 9 / 26 / 52 with displacement 26 (lookback 51) and rejects bad parameters by name', () => {
    const ich = new Ichimoku();
    expect([ich.tenkanPeriod, ich.kijunPeriod, ich.senkouBPeriod, ich.displacement, ich.lookback]).toEqual([
      9, 26, 52, 26, 51,
    ]);
    expect(() => new Ichimoku(0)).toThrow(/Ichimoku: tenkanPeriod/);
    expect(() => new Ichimoku(9, 0)).toThrow(/kijunPeriod/);
    expect(() => new Ichimoku(9, 26, 1.5)).toThrow(/senkouBPeriod/);
    expect(() => new Ichimoku(9, 26, 52, 0)).toThrow(/displacement/);
    const e = new Float64Array(0);
    expect(() => ichimoku(e, e, 9, 26, -52)).toThrow(RangeError);
  });
});
