import { describe, expect, it } from 'vitest';
import { allNaN, EMPTY, itRefuses, shortBars } from '../../../test/support/indicator-checks.js';
import { describeParitySources, itEqualsTalib } from '../../../test/support/talib-parity.js';
import { Natr, natr } from './natr.js';

describe('NATR', () => {
  itRefuses([
    ['Natr(0)', () => new Natr(0), /NATR: period/],
    ['natr(-3)', () => natr(EMPTY, EMPTY, EMPTY, -3), /NATR: period/],
  ]);

  it("has TA-Lib's lookback", () => {
    expect(new Natr().lookback).toBe(14);
  });

  it('gives all-NaN columns of the input length when shorter than the lookback', () => {
    const { h, l, c, n } = shortBars();
    expect(allNaN(natr(h, l, c, 10), n)).toBe(true);
  });

  it('gives empty columns for empty input', () => {
    expect(natr(EMPTY, EMPTY, EMPTY).length).toBe(0);
  });
});

describeParitySources((series) => {
  for (const period of [14, 5, 100]) {
    itEqualsTalib(`NATR ${period}`, series, {
      talib: 'NATR',
      options: { optInTimePeriod: period },
      lookback: period,
      batch: (s) => natr(s.high, s.low, s.close, period),
      stream: () => new Natr(period),
    });
  }
});
