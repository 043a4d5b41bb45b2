import { describe, expect, it } from 'vitest';
import { EMPTY, itRefuses } from '../../../test/support/indicator-checks.js';
import { describeParitySources, itEqualsTalib } from '../../../test/support/talib-parity.js';
import { Sar, sar } from './sar.js';

describe('SAR', () => {
  itRefuses([
    ['Sar(-0.02, 0.2)', () => new Sar(-0.02, 0.2), /SAR: acceleration/],
    ['Sar(NaN, 0.2)', () => new Sar(Number.NaN, 0.2), /SAR: acceleration/],
    ['Sar(0.3, 0.2)', () => new Sar(0.3, 0.2), /SAR: maximum/],
    ['sar(0.02, Infinity)', () => sar(EMPTY, EMPTY, 0.02, Number.POSITIVE_INFINITY), /SAR: maximum/],
  ]);

  it("has TA-Lib's lookback", () => {
    expect(new Sar().lookback).toBe(1);
  });

  it('gives empty columns for empty input', () => {
    expect(sar(EMPTY, EMPTY).length).toBe(0);
  });

  it('takes its first direction from the first two bars, as ta_SAR.c', () => {
    // Higher high, higher low: long, the first SAR is the first bar's low.
    expect(sar(Float64Array.from([10, 12]), Float64Array.from([8, 9]))[1]).toBe(8);
    // The low drops further (2) than the high rises (-0.5): short, the first SAR is the first high.
    expect(sar(Float64Array.from([10, 9.5]), Float64Array.from([8, 6]))[1]).toBe(10);
    // A tie (outside bar, 1 up and 1 down) goes long, SAR 8; the low 7 pierces it on the same
    // bar, so TA-Lib reverses at once and reports the extreme point, the high 11.
    expect(sar(Float64Array.from([10, 11]), Float64Array.from([8, 7]))[1]).toBe(11);
  });
});

describeParitySources((series) => {
  for (const [acceleration, maximum] of [
    [0.02, 0.2],
    [0.01, 0.1],
    [0.05, 0.5],
  ] as const) {
    itEqualsTalib(`SAR ${acceleration}/${maximum}`, series, {
      talib: 'SAR',
      options: { optInAcceleration: acceleration, optInMaximum: maximum },
      lookback: 1,
      batch: (s) => sar(s.high, s.low, acceleration, maximum),
      stream: () => new Sar(acceleration, maximum),
    });
  }
});
