import { describe, expect, it } from 'vitest';
import { f64, SHORT, valueIndicatorChecks } from '../../../test/support/indicator-checks.js';
import {
  describeRealDataParity,
  describeSyntheticParity,
  type ParitySpec,
} from '../../../test/support/talib-parity.js';
import { casesA } from './catalog-a.js';
import { Macd, macd } from './macd.js';

describe('MACD', () => {
  it('swaps a fast period above the slow one, as TA-Lib does', () => {
    const values = f64(Array.from({ length: 80 }, (_, i) => 100 + Math.sin(i / 5) * 10));
    const a = macd(values, 12, 26, 9);
    const b = macd(values, 26, 12, 9);
    expect(Array.from(b.macd)).toEqual(Array.from(a.macd));
    expect(new Macd(26, 12, 9).lookback).toBe(33);
  });

  it('needs fast and slow >= 2 and a signal >= 2 (TA-Lib mis-aligns a signal of 1)', () => {
    expect(() => new Macd(1, 26, 9)).toThrow(/MACD: fastPeriod/);
    expect(() => macd(SHORT, 12, 1.5, 9)).toThrow(/MACD: slowPeriod/);
    expect(() => new Macd(12, 26, 1)).toThrow(/MACD: signalPeriod must be an integer >= 2, got 1/);
  });

  valueIndicatorChecks({
    name: 'MACD',
    short: () => macd(SHORT).histogram,
    reused: () => {
      const m = new Macd(3, 6, 2);
      return (x) => m.update(x);
    },
  });
});

describeSyntheticParity([
  {
    ours: casesA.macd(12, 26, 9),
    talib: 'MACD',
    opts: { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 },
    talibOutputs: ['outMACD', 'outMACDSignal', 'outMACDHist'],
  },
]);

describeRealDataParity(
  (
    [
      [12, 26, 9],
      [5, 35, 5],
      // TA-Lib swaps a fast period above the slow one.
      [26, 12, 2],
    ] as const
  ).map(
    ([f, s, g]): ParitySpec => ({
      ours: casesA.macd(f, s, g),
      talib: 'MACD',
      opts: { optInFastPeriod: f, optInSlowPeriod: s, optInSignalPeriod: g },
      talibOutputs: ['outMACD', 'outMACDSignal', 'outMACDHist'],
    }),
  ),
);
