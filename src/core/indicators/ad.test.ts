import { describe, expect, it } from 'vitest';
import { EMPTY } from '../../../test/support/indicator-checks.js';
import { describeParitySources, itEqualsTalib } from '../../../test/support/talib-parity.js';
import { Ad, ad } from './ad.js';

describe('AD', () => {
  it("has TA-Lib's lookback", () => {
    expect(new Ad().lookback).toBe(0);
  });

  it('gives empty columns for empty input', () => {
    expect(ad(EMPTY, EMPTY, EMPTY, EMPTY).length).toBe(0);
  });

  it('adds ((c - l) - (h - c)) / (h - l) * v and skips bars without range', () => {
    // close at the high: +v; at the low: -v; in the middle: 0; a flat bar: nothing.
    const high = Float64Array.from([10, 10, 10, 7]);
    const low = Float64Array.from([8, 8, 8, 7]);
    const close = Float64Array.from([10, 8, 9, 7]);
    const volume = Float64Array.from([4, 1, 9, 100]);
    expect(Array.from(ad(high, low, close, volume))).toEqual([4, 3, 3, 3]);
  });
});

describeParitySources((series) => {
  itEqualsTalib(`AD`, series, {
    talib: 'AD',
    options: {},
    lookback: 0,
    batch: (s) => ad(s.high, s.low, s.close, s.volume),
    stream: () => new Ad(),
  });
});
