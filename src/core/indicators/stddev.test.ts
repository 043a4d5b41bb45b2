import { describe, expect, it } from 'vitest';
import { f64, SHORT, valueIndicatorChecks } from '../../../test/support/indicator-checks.js';
import {
  describeRealDataParity,
  describeSyntheticParity,
  type ParitySpec,
} from '../../../test/support/talib-parity.js';
import { casesA } from './catalog-a.js';
import { StdDev, stddev } from './stddev.js';

describe('STDDEV', () => {
  it('is the population deviation times nbDev', () => {
    const values = f64([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(stddev(values, 8)[7]).toBeCloseTo(2, 12);
    expect(stddev(values, 8, 2.5)[7]).toBeCloseTo(5, 12);
  });

  it('needs a finite deviation multiplier', () => {
    expect(() => new StdDev(5, Number.NaN)).toThrow(/STDDEV: nbDev/);
  });

  valueIndicatorChecks({
    name: 'STDDEV',
    short: () => stddev(SHORT, 5),
    period: { from: 2, stream: (p) => new StdDev(p), batch: (p) => stddev(SHORT, p) },
  });
});

describeSyntheticParity([
  {
    ours: casesA.stddev(20, 1),
    talib: 'STDDEV',
    opts: { optInTimePeriod: 20, optInNbDev: 1 },
    talibOutputs: ['outReal'],
  },
]);

describeRealDataParity(
  (
    [
      [5, 1],
      [20, 1],
      [10, 2.5],
    ] as const
  ).map(
    ([p, dev]): ParitySpec => ({
      ours: casesA.stddev(p, dev),
      talib: 'STDDEV',
      opts: { optInTimePeriod: p, optInNbDev: dev },
      talibOutputs: ['outReal'],
    }),
  ),
);
