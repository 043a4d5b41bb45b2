import { describe, it } from 'vitest';
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
import { Mom, mom } from './mom.js';

describe('MOM', () => {
  it('compares with the value period steps back', () => {
    expectSeries(mom(ONE_TO_TEN, 2), [Number.NaN, Number.NaN, 2, 2, 2, 2, 2, 2, 2, 2]);
  });

  valueIndicatorChecks({
    name: 'MOM',
    short: () => mom(SHORT, 5),
    period: { from: 1, stream: (p) => new Mom(p), batch: (p) => mom(SHORT, p) },
  });
});

describeSyntheticParity(periodSpecs(casesA.mom, 'MOM', [10]));

describeRealDataParity(periodSpecs(casesA.mom, 'MOM', [10, 1, 100]));
