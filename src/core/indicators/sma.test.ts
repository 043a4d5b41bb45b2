import { describe, expect, it } from 'vitest';
import {
  expectSeries,
  ONE_TO_TEN,
  SHORT,
  valueIndicatorChecks,
} from '../../../test/support/indicator-checks.js';
import {
  describeRealDataParity,
  describeSyntheticParity,
  periodSpecs,
} from '../../../test/support/talib-parity.js';
import { casesA } from './catalog-a.js';
import { Sma, sma } from './sma.js';

describe('SMA', () => {
  it('of 1..10 over 3 is the middle value', () => {
    expectSeries(sma(ONE_TO_TEN, 3), [Number.NaN, Number.NaN, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('gives an empty column for empty input', () => {
    expect(sma(new Float64Array(0), 5).length).toBe(0);
  });

  valueIndicatorChecks({
    name: 'SMA',
    short: () => sma(SHORT, 5),
    reset: () => new Sma(4),
    period: { from: 2, stream: (p) => new Sma(p), batch: (p) => sma(SHORT, p) },
  });
});

describeSyntheticParity(periodSpecs(casesA.sma, 'SMA', [10]));

describeRealDataParity(periodSpecs(casesA.sma, 'SMA', [30, 2, 200]));
