import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatAtr,
  formatDecimal,
  formatFixed,
  formatGrouped,
  formatMultiple,
  formatPercent,
  formatPrice,
  formatReading,
  formatSigned,
  formatTouches,
  groupThousands,
} from './format.js';

describe('formatPrice', () => {
  it('with a tick size: its decimals, with thousands separators', () => {
    expect(formatPrice(64123.456, 0.01)).toBe('64,123.46');
    expect(formatPrice(3247.5, 0.01)).toBe('3,247.50');
    expect(formatPrice(1.4153, 0.0001)).toBe('1.4153');
    expect(formatPrice(1.4, 0.0001)).toBe('1.4000');
    expect(formatPrice(28080, 1)).toBe('28,080');
    expect(formatPrice(107.5, 0.5)).toBe('107.5');
  });

  it('without one: two decimals from 10 up, four significant digits (at least four decimals) below', () => {
    expect(formatPrice(3247.5)).toBe('3,247.50');
    expect(formatPrice(1234567.891)).toBe('1,234,567.89');
    expect(formatPrice(10)).toBe('10.00');
    expect(formatPrice(999.999)).toBe('1,000.00');
    expect(formatPrice(1.23456)).toBe('1.2346');
    expect(formatPrice(9.5)).toBe('9.5000');
    expect(formatPrice(0.05123)).toBe('0.05123');
    expect(formatPrice(0.000012346)).toBe('0.00001235');
    expect(formatPrice(0)).toBe('0.0000');
    expect(formatPrice(5, Number.NaN)).toBe('5.0000');
  });

  it('keeps the sign of a negative value, drops it when it rounds to zero; spells out non-finite values', () => {
    expect(formatPrice(-12.345)).toBe('-12.35');
    expect(formatPrice(-0.000001, 0.01)).toBe('0.00');
    expect(formatPrice(-1234.5, 0.1)).toBe('-1,234.5');
    expect(formatPrice(Number.NaN)).toBe('NaN');
    expect(formatPrice(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});

describe('readings, multiples and the rest', () => {
  it('print as documented', () => {
    expect(formatReading(58.349)).toBe('58.3');
    expect(formatMultiple(1.83)).toBe('1.8x');
    expect(formatAtr(1.254)).toBe('1.25 ATR');
    expect(formatFixed(0.6543, 3)).toBe('0.654');
    expect(formatPercent(0.012345)).toBe('1.23 %');
    expect(formatPercent(-0.5, 1)).toBe('-50.0 %');
    expect(formatGrouped(1234567.5, 1)).toBe('1,234,567.5');
    expect(formatSigned(100)).toBe('+100');
    expect(formatSigned(-200)).toBe('-200');
    expect(formatTouches(1)).toBe('1 touch');
    expect(formatTouches(3)).toBe('3 touches');
    expect(formatReading(Number.NaN)).toBe('NaN');
  });
});

describe('groupThousands', () => {
  /** A look-ahead regex as the reference. */
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
      { numRuns: 500 },
    );
  });
});
describe('formatDecimal', () => {
  it('prints plain decimals like String()', () => {
    expect(formatDecimal(105573.73)).toBe('105573.73');
    expect(formatDecimal(0.1)).toBe('0.1');
    expect(formatDecimal(-2)).toBe('-2');
  });
  it('never uses an exponent', () => {
    expect(formatDecimal(1e-7)).toBe('0.0000001');
    expect(formatDecimal(1.5e-9)).toBe('0.0000000015');
    expect(formatDecimal(-2.25e-8)).toBe('-0.0000000225');
    expect(formatDecimal(1e21)).toBe('1000000000000000000000');
    expect(formatDecimal(1.2345e22)).toBe('12345000000000000000000');
  });
  it('round-trips every finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = formatDecimal(x);
        expect(s).not.toMatch(/e/i);
        expect(Number(s)).toBe(x === 0 ? 0 : x);
      }),
      { numRuns: 2000 },
    );
  });
});
