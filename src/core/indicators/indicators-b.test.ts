import { describe, expect, it } from 'vitest';
import { Ad, ad } from './ad.js';
import { Adosc, adosc } from './adosc.js';
import { Adx, adx, adxWithDi, MinusDi, minusDi, PlusDi, plusDi } from './adx.js';
import { Aroon, aroon } from './aroon.js';
import { Atr, atr } from './atr.js';
import { Mfi, mfi } from './mfi.js';
import { Natr, natr } from './natr.js';
import { Obv, obv } from './obv.js';
import { Sar, sar } from './sar.js';
import { TrueRange, trange } from './trange.js';

const empty = new Float64Array(0);

describe('bad parameters are RangeErrors naming the indicator and parameter', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['Atr(0)', () => new Atr(0), /ATR: period/],
    ['atr(1.5)', () => atr(empty, empty, empty, 1.5), /ATR: period/],
    ['Natr(0)', () => new Natr(0), /NATR: period/],
    ['natr(-3)', () => natr(empty, empty, empty, -3), /NATR: period/],
    ['Adx(1)', () => new Adx(1), /ADX: period/],
    ['adx(NaN)', () => adx(empty, empty, empty, Number.NaN), /ADX: period/],
    ['adxWithDi(1)', () => adxWithDi(empty, empty, empty, 1), /ADX: period/],
    ['PlusDi(1)', () => new PlusDi(1), /PLUS_DI: period/],
    ['plusDi(0)', () => plusDi(empty, empty, empty, 0), /PLUS_DI: period/],
    ['MinusDi(1)', () => new MinusDi(1), /MINUS_DI: period/],
    ['minusDi(0)', () => minusDi(empty, empty, empty, 0), /MINUS_DI: period/],
    ['Mfi(1)', () => new Mfi(1), /MFI: period/],
    ['mfi(2.5)', () => mfi(empty, empty, empty, empty, 2.5), /MFI: period/],
    ['Adosc(1, 10)', () => new Adosc(1, 10), /ADOSC: fastPeriod/],
    ['Adosc(3, 1)', () => new Adosc(3, 1), /ADOSC: slowPeriod/],
    [
      'adosc(3, Infinity)',
      () => adosc(empty, empty, empty, empty, 3, Number.POSITIVE_INFINITY),
      /ADOSC: slowPeriod/,
    ],
    ['Sar(-0.02, 0.2)', () => new Sar(-0.02, 0.2), /SAR: acceleration/],
    ['Sar(NaN, 0.2)', () => new Sar(Number.NaN, 0.2), /SAR: acceleration/],
    ['Sar(0.3, 0.2)', () => new Sar(0.3, 0.2), /SAR: maximum/],
    ['sar(0.02, Infinity)', () => sar(empty, empty, 0.02, Number.POSITIVE_INFINITY), /SAR: maximum/],
    ['Aroon(1)', () => new Aroon(1), /AROON: period/],
    ['aroon(0)', () => aroon(empty, empty, 0), /AROON: period/],
  ];
  for (const [label, make, message] of cases) {
    it(label, () => {
      expect(make).toThrow(RangeError);
      expect(make).toThrow(message);
    });
  }
});

describe('defaults and lookbacks (TA-Lib lookback functions)', () => {
  it('match TA-Lib', () => {
    expect(new TrueRange().lookback).toBe(1);
    expect(new Atr().lookback).toBe(14);
    expect(new Natr().lookback).toBe(14);
    expect(new Adx().lookback).toBe(27);
    expect(new PlusDi().lookback).toBe(14);
    expect(new MinusDi().lookback).toBe(14);
    expect(new Mfi().lookback).toBe(14);
    expect(new Obv().lookback).toBe(0);
    expect(new Ad().lookback).toBe(0);
    expect(new Adosc().lookback).toBe(9);
    expect(new Adosc(10, 3).lookback).toBe(9);
    expect(new Sar().lookback).toBe(1);
    expect(new Aroon().lookback).toBe(14);
  });
});

describe('short and empty series', () => {
  const n = 10;
  const h = Float64Array.from({ length: n }, (_, i) => 101 + (i % 3));
  const l = Float64Array.from(h, (x) => x - 2);
  const c = Float64Array.from(h, (x) => x - 1);
  const v = new Float64Array(n).fill(5);

  it('give all-NaN columns of the input length when shorter than the lookback', () => {
    const allNaN = (a: Float64Array) => a.length === n && a.every(Number.isNaN);
    expect(allNaN(atr(h, l, c, 10))).toBe(true);
    expect(allNaN(natr(h, l, c, 10))).toBe(true);
    expect(allNaN(adx(h, l, c, 6))).toBe(true);
    expect(allNaN(adxWithDi(h, l, c, 6).plusDi)).toBe(true); // lookback 11
    expect(adx(h, l, c, 5).filter((x) => !Number.isNaN(x)).length).toBe(1); // lookback 9: only the last bar
    expect(allNaN(plusDi(h, l, c, 10))).toBe(true);
    expect(allNaN(mfi(h, l, c, v, 10))).toBe(true);
    expect(allNaN(adosc(h, l, c, v, 3, 11))).toBe(true);
    expect(allNaN(aroon(h, l, 10).aroonUp)).toBe(true);
  });

  it('give empty columns for empty input', () => {
    for (const a of [
      trange(empty, empty, empty),
      atr(empty, empty, empty),
      natr(empty, empty, empty),
      adx(empty, empty, empty),
      adxWithDi(empty, empty, empty).minusDi,
      minusDi(empty, empty, empty),
      mfi(empty, empty, empty, empty),
      obv(empty, empty),
      ad(empty, empty, empty, empty),
      adosc(empty, empty, empty, empty),
      sar(empty, empty),
      aroon(empty, empty).aroonDown,
    ]) {
      expect(a.length).toBe(0);
    }
  });
});

describe('hand-checked values', () => {
  it('OBV starts from the first volume and ignores unchanged closes', () => {
    const close = Float64Array.from([10, 11, 11, 9, 12]);
    const volume = Float64Array.from([5, 3, 7, 2, 4]);
    expect(Array.from(obv(close, volume))).toEqual([5, 8, 8, 6, 10]);
    const o = new Obv();
    expect(
      Array.from(close, (x, i) => o.update({ open: x, high: x, low: x, close: x, volume: volume[i] })),
    ).toEqual([5, 8, 8, 6, 10]);
  });

  it('AD adds ((c - l) - (h - c)) / (h - l) * v and skips bars without range', () => {
    // close at the high: +v; at the low: -v; in the middle: 0; a flat bar: nothing.
    const high = Float64Array.from([10, 10, 10, 7]);
    const low = Float64Array.from([8, 8, 8, 7]);
    const close = Float64Array.from([10, 8, 9, 7]);
    const volume = Float64Array.from([4, 1, 9, 100]);
    expect(Array.from(ad(high, low, close, volume))).toEqual([4, 3, 3, 3]);
  });

  it('AROON prefers the most recent of equal extremes', () => {
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

  it('SAR takes its first direction from the first two bars, as ta_SAR.c', () => {
    // Higher high, higher low: long, the first SAR is the first bar's low.
    expect(sar(Float64Array.from([10, 12]), Float64Array.from([8, 9]))[1]).toBe(8);
    // The low drops further (2) than the high rises (-0.5): short, the first SAR is the first high.
    expect(sar(Float64Array.from([10, 9.5]), Float64Array.from([8, 6]))[1]).toBe(10);
    // A tie (outside bar, 1 up and 1 down) goes long, SAR 8; the low 7 pierces it on the same
    // bar, so TA-Lib reverses at once and reports the extreme point, the high 11.
    expect(sar(Float64Array.from([10, 11]), Float64Array.from([8, 7]))[1]).toBe(11);
  });
});
