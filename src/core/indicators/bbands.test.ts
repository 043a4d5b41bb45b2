import { describe, expect, it } from 'vitest';
import { f64, SHORT, valueIndicatorChecks } from '../../../test/support/indicator-checks.js';
import {
  describeRealDataParity,
  describeSyntheticParity,
  type ParitySpec,
} from '../../../test/support/talib-parity.js';
import { Bbands, bbands } from './bbands.js';
import { casesA } from './catalog-a.js';

describe('BBANDS', () => {
  it('sit nbDevUp / nbDevDn deviations around the SMA; flat input gives one line', () => {
    const values = f64([2, 4, 4, 4, 5, 5, 7, 9]);
    const b = bbands(values, 8, 2, 1);
    expect(b.middle[7]).toBeCloseTo(5, 12);
    expect(b.upper[7]).toBeCloseTo(9, 12);
    expect(b.lower[7]).toBeCloseTo(3, 12);
    const flat = bbands(f64(new Array(6).fill(7)), 3, 2, 2);
    for (let i = 2; i < 6; i++) {
      expect(flat.upper[i]).toBe(7);
      expect(flat.lower[i]).toBe(7);
    }
  });

  it('need finite deviation multipliers', () => {
    expect(() => bbands(SHORT, 5, Number.POSITIVE_INFINITY, 2)).toThrow(/BBANDS: nbDevUp/);
    expect(() => new Bbands(5, 2, Number.NaN)).toThrow(/BBANDS: nbDevDn/);
  });

  valueIndicatorChecks({
    name: 'BBANDS',
    short: () => bbands(SHORT).upper,
    reused: () => {
      const b = new Bbands(3, 2, 2);
      return (x) => b.update(x);
    },
    period: { from: 2, stream: (p) => new Bbands(p), batch: (p) => bbands(SHORT, p) },
  });
});

describeSyntheticParity([
  {
    ours: casesA.bbands(20, 2, 2),
    talib: 'BBANDS',
    opts: { optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 },
    talibOutputs: ['outRealUpperBand', 'outRealMiddleBand', 'outRealLowerBand'],
  },
]);

describeRealDataParity(
  (
    [
      [5, 2, 2],
      [20, 2, 2],
      [10, 1.5, 2.5],
    ] as const
  ).map(
    ([p, up, dn]): ParitySpec => ({
      ours: casesA.bbands(p, up, dn),
      talib: 'BBANDS',
      opts: { optInTimePeriod: p, optInNbDevUp: up, optInNbDevDn: dn, optInMAType: 0 },
      talibOutputs: ['outRealUpperBand', 'outRealMiddleBand', 'outRealLowerBand'],
    }),
  ),
);
