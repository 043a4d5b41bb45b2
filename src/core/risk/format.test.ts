import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDecimal } from '../numbers.js';
import { formatAtr, formatFixed2, formatPrice } from './format.js';

/*
 * formatPrice and formatFixed2 replace built-in formatting with arithmetic for ordinary inputs.
 * The definitions they replaced are kept here as the reference: every string must be the same,
 * including rounding at and next to the halfway points, powers of ten, and the inputs the fast
 * path hands back to the built-ins (tiny, huge, negative, zero, non-finite).
 */

/** formatPrice as it was first written: 8 significant digits, then the shortest positional form. */
function referencePrice(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return formatDecimal(Number(x.toPrecision(8)));
}

const referenceFixed2 = (x: number): string => x.toFixed(2);

/** A small deterministic generator (mulberry32), so the bulk sweeps are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The neighbouring doubles of x (one ulp down and up). */
function neighbours(x: number): [number, number] {
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  const bits = i[0];
  i[0] = bits - 1n;
  const down = f[0];
  i[0] = bits + 1n;
  const up = f[0];
  return x > 0 ? [down, up] : [up, down];
}

/** x, its neighbours, and the negatives of all three. */
function around(x: number): number[] {
  const [down, up] = neighbours(x);
  return [x, down, up, -x, -down, -up];
}

/** Asserts only on a mismatch, so the sweeps over millions of numbers stay fast. */
const checkPrice = (x: number) => {
  if (formatPrice(x) !== referencePrice(x))
    expect(formatPrice(x), `formatPrice(${x})`).toBe(referencePrice(x));
};
const checkFixed2 = (x: number) => {
  if (formatFixed2(x) !== referenceFixed2(x))
    expect(formatFixed2(x), `formatFixed2(${x})`).toBe(referenceFixed2(x));
};

describe('formatPrice', () => {
  it('reads as before on hand-picked prices', () => {
    expect(formatPrice(64123.4567)).toBe('64123.457');
    expect(formatPrice(64000)).toBe('64000');
    expect(formatPrice(0.5)).toBe('0.5');
    expect(formatPrice(0.000012345678)).toBe('0.000012345678');
    expect(formatPrice(123456789)).toBe('123456790');
    expect(formatPrice(99999999.6)).toBe('100000000');
    expect(formatPrice(-2.5)).toBe('-2.5');
    expect(formatPrice(1e-9)).toBe('0.000000001');
    expect(formatPrice(0)).toBe('0');
    expect(formatPrice(Number.NaN)).toBe('NaN');
  });

  it('matches the reference on special and extreme values', () => {
    for (const x of [
      0,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Number.EPSILON,
      Number.MAX_SAFE_INTEGER,
      1e-7,
      1e15,
      1e21,
      1e-300,
    ]) {
      for (const y of Number.isFinite(x) && x !== 0 ? around(x) : [x]) checkPrice(y);
    }
  });

  it('matches the reference at and next to every power of ten', () => {
    for (let k = -30; k <= 30; k++) {
      const p = Number(`1e${k}`);
      for (const y of around(p)) checkPrice(y);
      // the largest 8-digit values below it, which round up to it
      for (const m of [99999999.5, 99999999.4999, 99999999.5001, 9999999.95]) {
        for (const y of around(Number(`${m}e${k - 8}`))) checkPrice(y);
      }
    }
  });

  it('matches the reference at and next to halfway points (9 significant digits ending in 5)', () => {
    const next = rng(1);
    for (let n = 0; n < 20_000; n++) {
      const nine = 100_000_000 + Math.floor(next() * 900_000_000);
      const half = nine - (nine % 10) + 5; // ddddddddd5: exactly halfway at 8 digits, in decimal
      const k = Math.floor(next() * 24) - 12;
      for (const y of around(Number(`${half}e${k - 8}`))) checkPrice(y);
    }
  });

  it('matches the reference on two million prices across twenty decades (seeded sweep)', () => {
    const next = rng(42);
    for (let n = 0; n < 2_000_000; n++) {
      const x = (1 + 9 * next()) * 10 ** (Math.floor(next() * 20) - 9);
      const y = n % 4 === 0 ? -x : x;
      checkPrice(y);
    }
  });

  it('matches the reference on prices with few significant digits (exchange ticks)', () => {
    const next = rng(7);
    for (let n = 0; n < 200_000; n++) {
      const ticks = Math.floor(next() * 10 ** (1 + Math.floor(next() * 10)));
      const x = ticks / 10 ** Math.floor(next() * 9);
      checkPrice(x);
    }
  });

  it('matches the reference on arbitrary doubles (property)', () => {
    fc.assert(
      fc.property(fc.double(), (x) => formatPrice(x) === referencePrice(x)),
      { numRuns: 100_000 },
    );
    fc.assert(
      fc.property(
        fc.double({ min: 1e-8, max: 1e16, noNaN: true }),
        (x) => formatPrice(x) === referencePrice(x),
      ),
      { numRuns: 100_000 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999_999_999 }),
        fc.integer({ min: -20, max: 20 }),
        (digits, k) => {
          const x = Number(`${digits}e${k}`);
          return formatPrice(x) === referencePrice(x) && formatPrice(-x) === referencePrice(-x);
        },
      ),
      { numRuns: 100_000 },
    );
  });
});

describe('formatFixed2 and formatAtr', () => {
  it('reads as toFixed(2) on hand-picked values', () => {
    expect(formatFixed2(1.25)).toBe('1.25');
    expect(formatFixed2(2)).toBe('2.00');
    expect(formatFixed2(0.005)).toBe((0.005).toFixed(2));
    expect(formatFixed2(1.005)).toBe((1.005).toFixed(2));
    expect(formatFixed2(0.999)).toBe('1.00');
    expect(formatAtr(1.5)).toBe('1.50 ATR');
    expect(formatAtr(0.04)).toBe('0.04 ATR');
  });

  it('matches toFixed(2) on special, negative and extreme values', () => {
    for (const x of [
      0,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MIN_VALUE,
      Number.MAX_VALUE,
      1e7,
      1e21,
      -0.001,
      -1.005,
      -2.5,
    ]) {
      for (const y of Number.isFinite(x) && x !== 0 ? around(x) : [x]) checkFixed2(y);
    }
  });

  it('matches toFixed(2) at and next to every halfway point below 100', () => {
    for (let n = 0; n < 10_000; n++) {
      for (const y of around(Number(`${n}5e-3`))) checkFixed2(y); // n.nn5
      for (const y of around(n / 100)) checkFixed2(y);
    }
  });

  it('matches toFixed(2) on a million multiples across ten decades (seeded sweep)', () => {
    const next = rng(3);
    for (let n = 0; n < 1_000_000; n++) {
      const x = next() * 10 ** (Math.floor(next() * 10) - 3);
      checkFixed2(x);
    }
  });

  it('matches toFixed(2) on arbitrary doubles (property)', () => {
    fc.assert(
      fc.property(fc.double(), (x) => formatFixed2(x) === referenceFixed2(x)),
      { numRuns: 100_000 },
    );
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2e7, noNaN: true }),
        (x) => formatFixed2(x) === referenceFixed2(x),
      ),
      { numRuns: 100_000 },
    );
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        (x) => formatAtr(x) === `${x.toFixed(2)} ATR`,
      ),
      { numRuns: 100_000 },
    );
  });
});
