import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDecimal } from './numbers.js';

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
