import { describe, expect, it } from 'vitest';
import { f64, SHORT, valueIndicatorChecks } from '../../../test/support/indicator-checks.js';
import {
  describeRealDataParity,
  describeSyntheticParity,
  periodSpecs,
} from '../../../test/support/talib-parity.js';
import { casesA } from './catalog-a.js';
import { Dema, dema } from './dema.js';

describe('DEMA', () => {
  it('of a straight line is the line (no lag)', () => {
    const line = f64(Array.from({ length: 40 }, (_, i) => 10 + 2 * i));
    const d = dema(line, 5);
    for (let i = 8; i < 40; i++) expect(d[i]).toBeCloseTo(line[i], 9);
  });

  valueIndicatorChecks({
    name: 'DEMA',
    short: () => dema(SHORT, 5),
    reset: () => new Dema(4),
    period: { from: 2, stream: (p) => new Dema(p), batch: (p) => dema(SHORT, p) },
  });
});

describeSyntheticParity(periodSpecs(casesA.dema, 'DEMA', [10]));

describeRealDataParity(periodSpecs(casesA.dema, 'DEMA', [30, 2, 100]));
