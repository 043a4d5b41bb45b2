import { describe, it } from 'vitest';
import { expectSeries, f64, SHORT, valueIndicatorChecks } from '../../../test/support/indicator-checks.js';
import {
  describeRealDataParity,
  describeSyntheticParity,
  periodSpecs,
} from '../../../test/support/talib-parity.js';
import { casesA } from './catalog-a.js';
import { Ema, ema } from './ema.js';

describe('EMA', () => {
  it('seeds with the SMA of the first period values, then k = 2 / (period + 1)', () => {
    // Seed (1+2+3)/3 = 2, then k = 0.5: 2 + (4-2)/2 = 3, 3 + (5-3)/2 = 4.
    expectSeries(ema(f64([1, 2, 3, 4, 5]), 3), [Number.NaN, Number.NaN, 2, 3, 4]);
  });

  valueIndicatorChecks({
    name: 'EMA',
    short: () => ema(SHORT, 5),
    reset: () => new Ema(4),
    period: { from: 2, stream: (p) => new Ema(p), batch: (p) => ema(SHORT, p) },
  });
});

describeSyntheticParity(periodSpecs(casesA.ema, 'EMA', [10]));

describeRealDataParity(periodSpecs(casesA.ema, 'EMA', [30, 2, 200]));
