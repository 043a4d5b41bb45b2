import { describe, expect, it } from 'vitest';
import { allNaN, EMPTY, itRefuses, shortBars } from '../../../test/support/indicator-checks.js';
import {
  describeParitySources,
  expectIdentical,
  expectSame,
  expectTalib,
  leadingNaNs,
  runTalib,
  SINGLE,
  streamColumns,
} from '../../../test/support/talib-parity.js';
import { Adx, adx, adxWithDi, MinusDi, minusDi, PlusDi, plusDi } from './adx.js';

describe('ADX, PLUS_DI, MINUS_DI', () => {
  itRefuses([
    ['Adx(1)', () => new Adx(1), /ADX: period/],
    ['adx(NaN)', () => adx(EMPTY, EMPTY, EMPTY, Number.NaN), /ADX: period/],
    ['adxWithDi(1)', () => adxWithDi(EMPTY, EMPTY, EMPTY, 1), /ADX: period/],
    ['PlusDi(1)', () => new PlusDi(1), /PLUS_DI: period/],
    ['plusDi(0)', () => plusDi(EMPTY, EMPTY, EMPTY, 0), /PLUS_DI: period/],
    ['MinusDi(1)', () => new MinusDi(1), /MINUS_DI: period/],
    ['minusDi(0)', () => minusDi(EMPTY, EMPTY, EMPTY, 0), /MINUS_DI: period/],
  ]);

  it("has TA-Lib's lookback", () => {
    expect(new Adx().lookback).toBe(27);
    expect(new PlusDi().lookback).toBe(14);
    expect(new MinusDi().lookback).toBe(14);
  });

  it('gives all-NaN columns of the input length when shorter than the lookback', () => {
    const { h, l, c, n } = shortBars();
    expect(allNaN(adx(h, l, c, 6), n)).toBe(true);
    expect(allNaN(adxWithDi(h, l, c, 6).plusDi, n)).toBe(true); // lookback 11
    expect(adx(h, l, c, 5).filter((x) => !Number.isNaN(x)).length).toBe(1); // lookback 9: only the last bar
    expect(allNaN(plusDi(h, l, c, 10), n)).toBe(true);
  });

  it('gives empty columns for empty input', () => {
    expect(adx(EMPTY, EMPTY, EMPTY).length).toBe(0);
    expect(adxWithDi(EMPTY, EMPTY, EMPTY).minusDi.length).toBe(0);
    expect(minusDi(EMPTY, EMPTY, EMPTY).length).toBe(0);
  });
});

describeParitySources((series) => {
  for (const period of [14, 2, 30]) {
    it(`ADX, PLUS_DI, MINUS_DI ${period}`, () => {
      const s = series();
      const options = { optInTimePeriod: period };
      const withDi = adxWithDi(s.high, s.low, s.close, period);
      const adxLookback = 2 * period - 1;
      const taAdx = runTalib('ADX', s, options);
      expectTalib('ADX', adx(s.high, s.low, s.close, period), taAdx, 'outReal', adxLookback);
      expectTalib('ADX (with DI)', withDi.adx, taAdx, 'outReal', adxLookback);
      const taPlus = runTalib('PLUS_DI', s, options);
      const taMinus = runTalib('MINUS_DI', s, options);
      const plus = plusDi(s.high, s.low, s.close, period);
      const minus = minusDi(s.high, s.low, s.close, period);
      expectTalib('PLUS_DI', plus, taPlus, 'outReal', period);
      expectTalib('MINUS_DI', minus, taMinus, 'outReal', period);
      // The DIs that ride along with ADX are TA-Lib's PLUS_DI / MINUS_DI from ADX's lookback on.
      expect(leadingNaNs(withDi.plusDi)).toBe(adxLookback);
      expect(leadingNaNs(withDi.minusDi)).toBe(adxLookback);
      expectSame('ADX +DI', withDi.plusDi.subarray(adxLookback), plus.subarray(adxLookback));
      expectSame('ADX -DI', withDi.minusDi.subarray(adxLookback), minus.subarray(adxLookback));

      const [sAdx, sPlus, sMinus] = streamColumns(new Adx(period), s, [
        (r) => r.adx,
        (r) => r.plusDi,
        (r) => r.minusDi,
      ]);
      expectSame('ADX', sAdx, withDi.adx);
      expectSame('ADX +DI', sPlus, withDi.plusDi);
      expectSame('ADX -DI', sMinus, withDi.minusDi);
      const sPlusDi = streamColumns(new PlusDi(period), s, SINGLE)[0];
      const sMinusDi = streamColumns(new MinusDi(period), s, SINGLE)[0];
      expectSame('PLUS_DI', sPlusDi, plus);
      expectSame('MINUS_DI', sMinusDi, minus);
      // The batch loop repeats the streaming arithmetic operation for operation: equal, not near.
      expectIdentical('ADX', sAdx, withDi.adx);
      expectIdentical('ADX +DI', sPlus, withDi.plusDi);
      expectIdentical('ADX -DI', sMinus, withDi.minusDi);
      expectIdentical('ADX alone', withDi.adx, adx(s.high, s.low, s.close, period));
      expectIdentical('PLUS_DI', sPlusDi, plus);
      expectIdentical('MINUS_DI', sMinusDi, minus);
    });
  }
});
