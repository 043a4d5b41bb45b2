import { describe, expect, it } from 'vitest';
import { allNaN, EMPTY, itRefuses, shortBars } from '../../../test/support/indicator-checks.js';
import { describeParitySources, itEqualsTalib } from '../../../test/support/talib-parity.js';
import { Adosc, adosc } from './adosc.js';

describe('ADOSC', () => {
  itRefuses([
    ['Adosc(1, 10)', () => new Adosc(1, 10), /ADOSC: fastPeriod/],
    ['Adosc(3, 1)', () => new Adosc(3, 1), /ADOSC: slowPeriod/],
    [
      'adosc(3, Infinity)',
      () => adosc(EMPTY, EMPTY, EMPTY, EMPTY, 3, Number.POSITIVE_INFINITY),
      /ADOSC: slowPeriod/,
    ],
  ]);

  it("has TA-Lib's lookback", () => {
    expect(new Adosc().lookback).toBe(9);
    expect(new Adosc(10, 3).lookback).toBe(9);
  });

  it('gives all-NaN columns of the input length when shorter than the lookback', () => {
    const { h, l, c, v, n } = shortBars();
    expect(allNaN(adosc(h, l, c, v, 3, 11), n)).toBe(true);
  });

  it('gives empty columns for empty input', () => {
    expect(adosc(EMPTY, EMPTY, EMPTY, EMPTY).length).toBe(0);
  });
});

describeParitySources((series) => {
  for (const [fast, slow] of [
    [3, 10],
    [10, 3],
    [5, 21],
  ] as const) {
    itEqualsTalib(`ADOSC ${fast}/${slow}`, series, {
      talib: 'ADOSC',
      options: { optInFastPeriod: fast, optInSlowPeriod: slow },
      lookback: Math.max(fast, slow) - 1,
      batch: (s) => adosc(s.high, s.low, s.close, s.volume, fast, slow),
      stream: () => new Adosc(fast, slow),
    });
  }
});
