import { describe, expect, it } from 'vitest';
import { f64, SHORT, valueIndicatorChecks } from '../../../test/support/indicator-checks.js';
import {
  describeRealDataParity,
  describeSyntheticParity,
  periodSpecs,
} from '../../../test/support/talib-parity.js';
import { casesA } from './catalog-a.js';
import { Cci, cci } from './cci.js';

describe('CCI', () => {
  it('gives 0 on a flat range instead of dividing by zero', () => {
    const flat = f64(new Array(20).fill(100));
    expect(cci(flat, flat, flat, 5)[10]).toBe(0);
  });

  valueIndicatorChecks({
    name: 'CCI',
    short: () => cci(SHORT, SHORT, SHORT, 5),
    period: { from: 2, stream: (p) => new Cci(p), batch: (p) => cci(SHORT, SHORT, SHORT, p) },
  });
});

describeSyntheticParity(periodSpecs(casesA.cci, 'CCI', [14], true));

describeRealDataParity(periodSpecs(casesA.cci, 'CCI', [14, 2, 50], true));
