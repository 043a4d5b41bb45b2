import { describe, expect, it } from 'vitest';
import { f64, SHORT, valueIndicatorChecks } from '../../../test/support/indicator-checks.js';
import {
  describeRealDataParity,
  describeSyntheticParity,
  periodSpecs,
} from '../../../test/support/talib-parity.js';
import { casesA } from './catalog-a.js';
import { WillR, willr } from './willr.js';

describe('WILLR', () => {
  it('gives 0 on a flat range instead of dividing by zero', () => {
    const flat = f64(new Array(20).fill(100));
    expect(willr(flat, flat, flat, 5)[10]).toBe(0);
  });

  it('is -100 at the low and 0 at the high of the window', () => {
    const high = f64([10, 12, 11, 13]);
    const low = f64([8, 9, 7, 10]);
    expect(willr(high, low, f64([9, 10, 7, 13]), 3)[3]).toBeCloseTo(0, 12);
    expect(willr(high, low, f64([9, 10, 7, 7]), 3)[3]).toBeCloseTo(-100, 12);
  });

  valueIndicatorChecks({
    name: 'WILLR',
    short: () => willr(SHORT, SHORT, SHORT, 5),
    period: { from: 2, stream: (p) => new WillR(p), batch: (p) => willr(SHORT, SHORT, SHORT, p) },
  });
});

describeSyntheticParity(periodSpecs(casesA.willr, 'WILLR', [14], true));

describeRealDataParity(periodSpecs(casesA.willr, 'WILLR', [14, 2, 50], true));
