import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecimalScanner, parseDecimal } from './decimal.js';

const parse = (text: string) => parseDecimal(Buffer.from(text));

describe('parseDecimal', () => {
  it('equals Number() on every double printed the way JavaScript prints it', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Object.is(parse(String(x)), Number(String(x)))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('equals Number() on decimal strings of any length and exponent', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 25 });
    const text = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        digits,
        fc.option(digits),
        fc.option(
          fc.tuple(
            fc.constantFrom('e', 'E'),
            fc.constantFrom('', '-', '+'),
            fc.integer({ min: 0, max: 400 }),
          ),
        ),
      )
      .map(
        ([sign, int, frac, exp]) =>
          `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`,
      );
    fc.assert(
      fc.property(text, (t) => {
        expect(Object.is(parse(t), Number(t))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads price and timestamp shapes of the real files', () => {
    for (const t of [
      '105573.73',
      '0.00001000',
      '1747699200000',
      '1735689600000000',
      '8.21827000',
      '0',
      '-0',
      '5.',
      '.5',
    ]) {
      expect(Object.is(parse(t), Number(t))).toBe(true);
    }
    expect(parse(' 42 ')).toBe(42);
  });

  it('is NaN for anything but a plain decimal', () => {
    for (const t of [
      '',
      ' ',
      '.',
      '-',
      '+',
      'NaN',
      'Infinity',
      '-Infinity',
      '0x10',
      '1e',
      '1e+',
      '1.2.3',
      '12abc',
      '1,2',
      '--1',
      '1 2',
    ]) {
      expect(parse(t)).toBeNaN();
    }
  });
});

describe('DecimalScanner', () => {
  it('stops at the first byte that cannot continue the number', () => {
    const scanner = new DecimalScanner();
    const buf = Buffer.from('12.5e3 ,7x');
    expect(scanner.scan(buf, 0)).toBe(12500);
    expect(scanner.end).toBe(7);
    expect(scanner.scan(buf, 8)).toBe(7);
    expect(scanner.end).toBe(9);
    expect(scanner.scan(Buffer.from('1e+x'), 0)).toBeNaN();
    expect(scanner.end).toBe(1);
  });
});
