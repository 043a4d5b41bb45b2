import { describe, expect, it } from 'vitest';
import {
  expectSeries,
  f64,
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
import { Rsi, rsi } from './rsi.js';

describe('RSI', () => {
  it('is 100 on a rising series and 0 on a flat one (TA-Lib convention)', () => {
    const rising = rsi(ONE_TO_TEN, 3);
    for (let i = 3; i < 10; i++) expect(rising[i]).toBe(100);
    const flat = rsi(f64(new Array(10).fill(5)), 3);
    for (let i = 3; i < 10; i++) expect(flat[i]).toBe(0);
  });

  it('with Wilder smoothing on a small series', () => {
    // Changes +1, -1, +2, -2: first averages gain 1/2, loss 1/2 -> 50;
    // then gain (0.5*1 + 2)/2 = 1.25, loss 0.5*1/2 = 0.25 -> 83.33..., then
    // gain 1.25/2 = 0.625, loss (0.25 + 2)/2 = 1.125 -> 35.714...
    expectSeries(rsi(f64([10, 11, 10, 12, 10]), 2), [
      Number.NaN,
      Number.NaN,
      50,
      (100 * 1.25) / 1.5,
      (100 * 0.625) / 1.75,
    ]);
  });

  valueIndicatorChecks({
    name: 'RSI',
    short: () => rsi(SHORT, 5),
    reset: () => new Rsi(4),
    period: { from: 2, stream: (p) => new Rsi(p), batch: (p) => rsi(SHORT, p) },
  });
});

describeSyntheticParity(periodSpecs(casesA.rsi, 'RSI', [14]));

describeRealDataParity(periodSpecs(casesA.rsi, 'RSI', [14, 2, 50]));
