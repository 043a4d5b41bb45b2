import { describe, it } from 'vitest';
import { expectSeries, f64, SHORT, valueIndicatorChecks } from '../../../test/support/indicator-checks.js';
import {
  describeRealDataParity,
  describeSyntheticParity,
  periodSpecs,
} from '../../../test/support/talib-parity.js';
import { casesA } from './catalog-a.js';
import { Wma, wma } from './wma.js';

describe('WMA', () => {
  it('weights the newest value most', () => {
    // (1*1 + 2*2 + 3*3) / 6 and (2*1 + 3*2 + 10*3) / 6
    expectSeries(wma(f64([1, 2, 3, 10]), 3), [Number.NaN, Number.NaN, 14 / 6, 38 / 6]);
  });

  valueIndicatorChecks({
    name: 'WMA',
    short: () => wma(SHORT, 5),
    reset: () => new Wma(4),
    period: { from: 2, stream: (p) => new Wma(p), batch: (p) => wma(SHORT, p) },
  });
});

describeSyntheticParity(periodSpecs(casesA.wma, 'WMA', [10]));

describeRealDataParity(periodSpecs(casesA.wma, 'WMA', [30, 2, 100]));
