import { describe, expect, it } from 'vitest';
import { allNaN, EMPTY, itRefuses, shortBars } from '../../../test/support/indicator-checks.js';
import { describeParitySources, itEqualsTalib } from '../../../test/support/talib-parity.js';
import { Mfi, mfi } from './mfi.js';

describe('MFI', () => {
  itRefuses([
    ['Mfi(1)', () => new Mfi(1), /MFI: period/],
    ['mfi(2.5)', () => mfi(EMPTY, EMPTY, EMPTY, EMPTY, 2.5), /MFI: period/],
  ]);

  it("has TA-Lib's lookback", () => {
    expect(new Mfi().lookback).toBe(14);
  });

  it('gives all-NaN columns of the input length when shorter than the lookback', () => {
    const { h, l, c, v, n } = shortBars();
    expect(allNaN(mfi(h, l, c, v, 10), n)).toBe(true);
  });

  it('gives empty columns for empty input', () => {
    expect(mfi(EMPTY, EMPTY, EMPTY, EMPTY).length).toBe(0);
  });
});

describeParitySources((series) => {
  for (const period of [14, 2, 30]) {
    itEqualsTalib(`MFI ${period}`, series, {
      talib: 'MFI',
      options: { optInTimePeriod: period },
      lookback: period,
      batch: (s) => mfi(s.high, s.low, s.close, s.volume, period),
      stream: () => new Mfi(period),
    });
  }
});
