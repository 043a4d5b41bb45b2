import { describe, expect, it } from 'vitest';
import { f64, SHORT, valueIndicatorChecks } from '../../../test/support/indicator-checks.js';
import {
  describeRealDataParity,
  describeSyntheticParity,
  type ParitySpec,
} from '../../../test/support/talib-parity.js';
import { casesA } from './catalog-a.js';
import { Stoch, stoch } from './stoch.js';

describe('STOCH', () => {
  it('gives 0 on a flat range instead of dividing by zero', () => {
    const flat = f64(new Array(20).fill(100));
    expect(stoch(flat, flat, flat, 5, 3, 3).slowK[10]).toBe(0);
  });

  it('names the period at fault; smoothing periods may be 1', () => {
    expect(new Stoch(5, 1, 1).lookback).toBe(4);
    expect(() => new Stoch(0, 3, 3)).toThrow(/STOCH: fastKPeriod must be an integer >= 1, got 0/);
    expect(() => new Stoch(5, 2.5, 3)).toThrow(/STOCH: slowKPeriod/);
    expect(() => stoch(SHORT, SHORT, SHORT, 5, 3, Number.NaN)).toThrow(/STOCH: slowDPeriod/);
  });

  valueIndicatorChecks({
    name: 'STOCH',
    short: () => stoch(SHORT, SHORT, SHORT).slowD,
    reused: () => {
      const k = new Stoch(3, 2, 2);
      return (x) => k.update({ open: x, high: x + 1, low: x - 1, close: x, volume: 1 });
    },
  });
});

describeSyntheticParity([
  {
    ours: casesA.stoch(14, 3, 3),
    talib: 'STOCH',
    hlc: true,
    opts: {
      optInFastK_Period: 14,
      optInSlowK_Period: 3,
      optInSlowK_MAType: 0,
      optInSlowD_Period: 3,
      optInSlowD_MAType: 0,
    },
    talibOutputs: ['outSlowK', 'outSlowD'],
  },
]);

describeRealDataParity(
  (
    [
      [5, 3, 3],
      [14, 3, 3],
      [5, 1, 1],
    ] as const
  ).map(
    ([k, sk, sd]): ParitySpec => ({
      ours: casesA.stoch(k, sk, sd),
      talib: 'STOCH',
      hlc: true,
      opts: {
        optInFastK_Period: k,
        optInSlowK_Period: sk,
        optInSlowK_MAType: 0,
        optInSlowD_Period: sd,
        optInSlowD_MAType: 0,
      },
      talibOutputs: ['outSlowK', 'outSlowD'],
    }),
  ),
);
