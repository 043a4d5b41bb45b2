import { describe, expect, it } from 'vitest';
import { f64, SHORT, valueIndicatorChecks } from '../../../test/support/indicator-checks.js';
import {
  describeRealDataParity,
  describeSyntheticParity,
  periodSpecs,
} from '../../../test/support/talib-parity.js';
import { casesA } from './catalog-a.js';
import { Tema, tema } from './tema.js';

describe('TEMA', () => {
  it('of a straight line is the line (no lag)', () => {
    const line = f64(Array.from({ length: 40 }, (_, i) => 10 + 2 * i));
    const t = tema(line, 5);
    for (let i = 12; i < 40; i++) expect(t[i]).toBeCloseTo(line[i], 9);
  });

  valueIndicatorChecks({
    name: 'TEMA',
    short: () => tema(SHORT, 5),
    reset: () => new Tema(4),
    period: { from: 2, stream: (p) => new Tema(p), batch: (p) => tema(SHORT, p) },
  });
});

describeSyntheticParity(periodSpecs(casesA.tema, 'TEMA', [10]));

describeRealDataParity(periodSpecs(casesA.tema, 'TEMA', [30, 2, 50]));
