import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from './normal.js';

// Reference values computed independently of this code with mpmath 1.3 in 50-digit arithmetic
// (ncdf, and Newton's method on ncdf for the quantiles), written as the nearest doubles.
const CDF_TABLE: readonly [number, number][] = [
  [0, 0.5],
  [0.5, 0.6914624612740131],
  [1, 0.8413447460685429],
  [1.5, 0.9331927987311419],
  [1.96, 0.9750021048517795],
  [2, 0.9772498680518208],
  [2.5, 0.9937903346742238],
  [3, 0.9986501019683699],
  [4, 0.9999683287581669],
  [-1, 0.15865525393145705],
  [-2, 0.02275013194817921],
  [-3, 0.0013498980316300946],
  [-5, 2.866515718791939e-7],
];

// Far tail: the absolute error is trivially small there, so check the relative error.
const TAIL_TABLE: readonly [number, number][] = [
  [-8, 6.220960574271784e-16],
  [-10, 7.619853024160525e-24],
  [-20, 2.7536241186062337e-89],
];

const QUANTILE_TABLE: readonly [number, number][] = [
  [0.5, 0],
  [0.6, 0.2533471031357998],
  [0.75, 0.6744897501960817],
  [0.8, 0.8416212335729142],
  [0.9, 1.2815515655446004],
  [0.95, 1.6448536269514726],
  [0.975, 1.9599639845400543],
  [0.99, 2.326347874040841],
  [0.995, 2.575829303548901],
  [0.999, 3.0902323061678136],
  [0.001, -3.0902323061678136],
  [1e-6, -4.753424308822899],
  [1e-10, -6.361340902404057],
  [1e-20, -9.262340089798407],
  [1e-300, -37.0470962993612],
];

describe('normalCdf', () => {
  it('matches the tabulated values to 1e-9 (and in fact to 1e-15)', () => {
    for (const [x, expected] of CDF_TABLE) {
      expect(Math.abs(normalCdf(x) - expected)).toBeLessThan(1e-9);
      expect(Math.abs(normalCdf(x) - expected)).toBeLessThan(1e-15);
    }
  });

  it('keeps relative accuracy in the far left tail', () => {
    for (const [x, expected] of TAIL_TABLE) {
      expect(Math.abs(normalCdf(x) / expected - 1)).toBeLessThan(1e-12);
    }
  });

  it('is symmetric, monotone and saturates', () => {
    for (let x = 0; x <= 8; x += 0.125) expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
    let previous = 0;
    for (let x = -10; x <= 10; x += 0.01) {
      const value = normalCdf(x);
      expect(value).toBeGreaterThanOrEqual(previous);
      previous = value;
    }
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.NaN)).toBeNaN();
  });
});

describe('normalQuantile (AS 241)', () => {
  it('matches the tabulated values to 1e-9 (and in relative terms to 1e-15)', () => {
    for (const [p, expected] of QUANTILE_TABLE) {
      const x = normalQuantile(p);
      expect(Math.abs(x - expected)).toBeLessThan(1e-9);
      expect(Math.abs(x - expected)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(expected)));
    }
  });

  it('inverts normalCdf', () => {
    for (let i = 1; i < 1000; i++) {
      const p = i / 1000;
      expect(Math.abs(normalCdf(normalQuantile(p)) - p)).toBeLessThan(1e-15);
    }
    for (let x = -8; x <= 5; x += 0.25) {
      // Above 5 the upper tail 1 − Φ(x) keeps ever fewer bits in a double near 1 (about 2 at x = 8).
      expect(Math.abs(normalQuantile(normalCdf(x)) - x)).toBeLessThan(1e-9);
    }
  });

  it('gives the infinities at 0 and 1 and NaN outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(1.1)).toBeNaN();
    expect(normalQuantile(Number.NaN)).toBeNaN();
  });
});
