import { describe, expect, it } from 'vitest';
import { SHORT, valueIndicatorChecks } from '../../../test/support/indicator-checks.js';
import {
  describeRealDataParity,
  describeSyntheticParity,
  type ParitySpec,
} from '../../../test/support/talib-parity.js';
import { casesA } from './catalog-a.js';
import { StochRsi, stochrsi } from './stochrsi.js';

describe('STOCHRSI', () => {
  it('names the smoothing period at fault', () => {
    expect(() => new StochRsi(14, 0, 3)).toThrow(/STOCHRSI: fastKPeriod/);
    expect(() => stochrsi(SHORT, 14, 5, -1)).toThrow(/STOCHRSI: fastDPeriod/);
  });

  valueIndicatorChecks({
    name: 'STOCHRSI',
    short: () => stochrsi(SHORT).fastK,
    reused: () => {
      const s = new StochRsi(3, 3, 2);
      return (x) => s.update(x);
    },
    period: { from: 2, stream: (p) => new StochRsi(p), batch: (p) => stochrsi(SHORT, p) },
  });
});

describeSyntheticParity([
  {
    ours: casesA.stochrsi(14, 5, 3),
    talib: 'STOCHRSI',
    opts: { optInTimePeriod: 14, optInFastK_Period: 5, optInFastD_Period: 3, optInFastD_MAType: 0 },
    talibOutputs: ['outFastK', 'outFastD'],
  },
]);

describeRealDataParity(
  (
    [
      [14, 5, 3],
      [14, 14, 3],
      [7, 3, 1],
    ] as const
  ).map(
    ([p, k, d]): ParitySpec => ({
      ours: casesA.stochrsi(p, k, d),
      talib: 'STOCHRSI',
      opts: { optInTimePeriod: p, optInFastK_Period: k, optInFastD_Period: d, optInFastD_MAType: 0 },
      talibOutputs: ['outFastK', 'outFastD'],
    }),
  ),
);
