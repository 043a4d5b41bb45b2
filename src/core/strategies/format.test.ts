import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatFixed,
  formatMultiple,
  formatPrice,
  formatPriceBuiltIn,
  formatReading,
  formatSigned,
  formatTouches,
  groupThousands,
} from './format.js';

describe('formatPrice', () => {
  it('two decimals with thousands separators from 10 up', () => {
    expect(formatPrice(3247.5)).toBe('3,247.50');
    expect(formatPrice(64123.456)).toBe('64,123.46');
    expect(formatPrice(1234567.891)).toBe('1,234,567.89');
    expect(formatPrice(10)).toBe('10.00');
    expect(formatPrice(999.999)).toBe('1,000.00');
  });

  it('below 10: four decimals at least, four significant digits', () => {
    expect(formatPrice(1.23456)).toBe('1.2346');
    expect(formatPrice(9.5)).toBe('9.5000');
    expect(formatPrice(0.05123)).toBe('0.05123');
    expect(formatPrice(0.000012346)).toBe('0.00001235');
    expect(formatPrice(0)).toBe('0.0000');
  });

  it('negative values (a MACD histogram) keep their sign; non-finite values are spelled out', () => {
    expect(formatPrice(-12.4)).toBe('-12.40');
    expect(formatPrice(-1234.5)).toBe('-1,234.50');
    expect(formatPrice(-0.00001)).toBe('-0.00001000');
    expect(formatPrice(-0.0000000000001)).toBe('0.000000000000');
    expect(formatPrice(Number.NaN)).toBe('NaN');
  });
});

describe('other formats', () => {
  it('readings, multiples, signed pattern values, touches', () => {
    expect(formatReading(58.349)).toBe('58.3');
    expect(formatMultiple(1.83)).toBe('1.8x');
    expect(formatSigned(100)).toBe('+100');
    expect(formatSigned(-200)).toBe('-200');
    expect(formatTouches(1)).toBe('1 touch');
    expect(formatTouches(3)).toBe('3 touches');
  });
});

describe('groupThousands', () => {
  /** The look-ahead regex it replaced, as the reference. */
  const byRegex = (digits: string): string => {
    const dot = digits.indexOf('.');
    const int = dot < 0 ? digits : digits.slice(0, dot);
    const rest = dot < 0 ? '' : digits.slice(dot);
    return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + rest;
  };

  it('equals the regex on integers and decimals of every length', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{1,22}$/),
        fc.option(fc.stringMatching(/^[0-9]{0,12}$/)),
        (int, frac) => {
          const digits = frac === null ? int : `${int}.${frac}`;
          expect(groupThousands(digits)).toBe(byRegex(digits));
        },
      ),
      { numRuns: 2000 },
    );
    for (const d of ['1', '12', '123', '1234', '123456', '1234567', '1000.00', '999.999', '0.0001'])
      expect(groupThousands(d), d).toBe(byRegex(d));
  });
});

describe('fast paths of formatPrice, formatReading, formatMultiple', () => {
  it('gives the built-in (toFixed) string for prices, small readings and ties', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), (x) => {
        expect(formatPrice(x)).toBe(formatPriceBuiltIn(x));
        expect(formatReading(x)).toBe(x.toFixed(1));
        for (let k = 0; k <= 12; k++) expect(formatFixed(x, k)).toBe(x.toFixed(k));
        expect(formatMultiple(x)).toBe(`${x.toFixed(1)}x`);
      }),
      { numRuns: 5000 },
    );
    // cents and sub-cent grids (ties of the decimal rounding) and magnitudes around the limits
    for (let k = -30000; k <= 30000; k++) {
      for (const x of [k / 100, k / 1000, k / 200, k * 0.005 + 1000, k * 1e-7, k * 1e-9, k * 37.13]) {
        expect(formatPrice(x)).toBe(formatPriceBuiltIn(x));
      }
      const r = k / 2000;
      for (const x of [r, k / 20000, k * 1e-3 + 0.0005]) {
        expect(formatFixed(x, 2)).toBe(x.toFixed(2));
        expect(formatFixed(x, 3)).toBe(x.toFixed(3));
      }
      expect(formatReading(r)).toBe(r.toFixed(1));
      expect(formatMultiple(r)).toBe(`${r.toFixed(1)}x`);
    }
    for (const x of [Number.NaN, -Infinity, -0.001, 0.0005, 0.0015, 2.675]) {
      for (let k = 0; k <= 12; k++) expect(formatFixed(x, k)).toBe(x.toFixed(k));
    }
    for (const x of [1e-13, 9.99995, 9.999949999, 21474836.47, 21474836.475, 1e15, 1e21, -0, Infinity]) {
      expect(formatPrice(x)).toBe(formatPriceBuiltIn(x));
    }
  });
});
