import { describe, expect, it } from 'vitest';
import { EMPTY } from '../../../test/support/indicator-checks.js';
import { describeParitySources, itEqualsTalib } from '../../../test/support/talib-parity.js';
import { TrueRange, trange } from './trange.js';

describe('TRANGE', () => {
  it("has TA-Lib's lookback", () => {
    expect(new TrueRange().lookback).toBe(1);
  });

  it('gives empty columns for empty input', () => {
    expect(trange(EMPTY, EMPTY, EMPTY).length).toBe(0);
  });
});

describeParitySources((series) => {
  itEqualsTalib(`TRANGE`, series, {
    talib: 'TRANGE',
    options: {},
    lookback: 1,
    batch: (s) => trange(s.high, s.low, s.close),
    stream: () => new TrueRange(),
  });
});
