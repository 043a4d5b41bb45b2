import { describe, expect, it } from 'vitest';
import { EMPTY } from '../../../test/support/indicator-checks.js';
import { describeParitySources, itEqualsTalib } from '../../../test/support/talib-parity.js';
import { Obv, obv } from './obv.js';

describe('OBV', () => {
  it("has TA-Lib's lookback", () => {
    expect(new Obv().lookback).toBe(0);
  });

  it('gives empty columns for empty input', () => {
    expect(obv(EMPTY, EMPTY).length).toBe(0);
  });

  it('starts from the first volume and ignores unchanged closes', () => {
    const close = Float64Array.from([10, 11, 11, 9, 12]);
    const volume = Float64Array.from([5, 3, 7, 2, 4]);
    expect(Array.from(obv(close, volume))).toEqual([5, 8, 8, 6, 10]);
    const o = new Obv();
    expect(
      Array.from(close, (x, i) => o.update({ open: x, high: x, low: x, close: x, volume: volume[i] })),
    ).toEqual([5, 8, 8, 6, 10]);
  });
});

describeParitySources((series) => {
  itEqualsTalib(`OBV`, series, {
    talib: 'OBV',
    options: {},
    lookback: 0,
    batch: (s) => obv(s.close, s.volume),
    stream: () => new Obv(),
  });
});
