import { describe, expect, it } from 'vitest';
import { allNaN, EMPTY, itRefuses, shortBars } from '../../../test/support/indicator-checks.js';
import { describeParitySources, itEqualsTalib } from '../../../test/support/talib-parity.js';
import { Atr, atr } from './atr.js';

describe('ATR', () => {
  itRefuses([
    ['Atr(0)', () => new Atr(0), /ATR: period/],
    ['atr(1.5)', () => atr(EMPTY, EMPTY, EMPTY, 1.5), /ATR: period/],
  ]);

  it("has TA-Lib's lookback", () => {
    expect(new Atr().lookback).toBe(14);
  });

  it('gives all-NaN columns of the input length when shorter than the lookback', () => {
    const { h, l, c, n } = shortBars();
    expect(allNaN(atr(h, l, c, 10), n)).toBe(true);
  });

  it('gives empty columns for empty input', () => {
    expect(atr(EMPTY, EMPTY, EMPTY).length).toBe(0);
  });
});

describeParitySources((series) => {
  for (const period of [14, 1, 50]) {
    itEqualsTalib(`ATR ${period}`, series, {
      talib: 'ATR',
      options: { optInTimePeriod: period },
      lookback: period,
      batch: (s) => atr(s.high, s.low, s.close, period),
      stream: () => new Atr(period),
    });
  }
});
