import { describe, expect, it } from 'vitest';
import { allNaN, EMPTY, itRefuses, shortBars } from '../../../test/support/indicator-checks.js';
import {
  describeParitySources,
  expectSame,
  expectTalib,
  runTalib,
  streamColumns,
} from '../../../test/support/talib-parity.js';
import { Aroon, aroon } from './aroon.js';

describe('AROON', () => {
  itRefuses([
    ['Aroon(1)', () => new Aroon(1), /AROON: period/],
    ['aroon(0)', () => aroon(EMPTY, EMPTY, 0), /AROON: period/],
  ]);

  it("has TA-Lib's lookback", () => {
    expect(new Aroon().lookback).toBe(14);
  });

  it('gives all-NaN columns of the input length when shorter than the lookback', () => {
    const { h, l, n } = shortBars();
    expect(allNaN(aroon(h, l, 10).aroonUp, n)).toBe(true);
  });

  it('gives empty columns for empty input', () => {
    expect(aroon(EMPTY, EMPTY).aroonDown.length).toBe(0);
  });

  it('prefers the most recent of equal extremes', () => {
    // period 2: window of 3 bars. Highs 5, 5, 4 at bar 2: the latest 5 (1 bar ago) counts -> 50.
    const r = aroon(Float64Array.from([5, 5, 4]), Float64Array.from([1, 1, 2]), 2);
    expect(r.aroonUp[2]).toBe(50);
    expect(r.aroonDown[2]).toBe(50);
    const a = new Aroon(2);
    a.update({ open: 0, high: 5, low: 1, close: 0, volume: 0 });
    a.update({ open: 0, high: 5, low: 1, close: 0, volume: 0 });
    expect(a.update({ open: 0, high: 4, low: 2, close: 0, volume: 0 })).toEqual({
      aroonDown: 50,
      aroonUp: 50,
    });
  });
});

describeParitySources((series) => {
  for (const period of [14, 2, 25]) {
    it(`AROON ${period}`, () => {
      const s = series();
      const ours = aroon(s.high, s.low, period);
      const ref = runTalib('AROON', s, { optInTimePeriod: period });
      expectTalib('AROON down', ours.aroonDown, ref, 'outAroonDown', period);
      expectTalib('AROON up', ours.aroonUp, ref, 'outAroonUp', period);
      const [down, up] = streamColumns(new Aroon(period), s, [(r) => r.aroonDown, (r) => r.aroonUp]);
      expectSame('AROON down', down, ours.aroonDown);
      expectSame('AROON up', up, ours.aroonUp);
    });
  }
});
