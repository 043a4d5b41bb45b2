import { describe, it } from 'vitest';
import { expectSeries, f64, SHORT, valueIndicatorChecks } from '../../../test/support/indicator-checks.js';
import {
  describeRealDataParity,
  describeSyntheticParity,
  periodSpecs,
} from '../../../test/support/talib-parity.js';
import { casesA } from './catalog-a.js';
import { Roc, roc } from './roc.js';

describe('ROC', () => {
  it('compares with the value period steps back; 0 after a zero', () => {
    expectSeries(roc(f64([0, 10, 20, 30]), 2), [Number.NaN, Number.NaN, 0, 200]);
  });

  valueIndicatorChecks({
    name: 'ROC',
    short: () => roc(SHORT, 5),
    period: { from: 1, stream: (p) => new Roc(p), batch: (p) => roc(SHORT, p) },
  });
});

describeSyntheticParity(periodSpecs(casesA.roc, 'ROC', [10]));

describeRealDataParity(periodSpecs(casesA.roc, 'ROC', [10, 1, 100]));
