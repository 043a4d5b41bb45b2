import { describe, expect, it } from 'vitest';
import { f64, SHORT, valueIndicatorChecks } from '../../../test/support/indicator-checks.js';
import {
  describeRealDataParity,
  describeSyntheticParity,
  periodSpecs,
} from '../../../test/support/talib-parity.js';
import { casesA } from './catalog-a.js';
import { Kama, kama } from './kama.js';

describe('KAMA', () => {
  it('of a constant series is that constant', () => {
    const out = kama(f64(new Array(30).fill(42)), 10);
    for (let i = 10; i < 30; i++) expect(out[i]).toBe(42);
  });

  valueIndicatorChecks({
    name: 'KAMA',
    short: () => kama(SHORT, 5),
    reset: () => new Kama(4),
    period: { from: 2, stream: (p) => new Kama(p), batch: (p) => kama(SHORT, p) },
  });
});

describeSyntheticParity(periodSpecs(casesA.kama, 'KAMA', [10]));

describeRealDataParity(periodSpecs(casesA.kama, 'KAMA', [30, 10, 2]));
