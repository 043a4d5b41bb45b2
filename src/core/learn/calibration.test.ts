import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../metrics/random.js';
import {
  applyCalibrator,
  fitIsotonic,
  fitPlatt,
  PROBABILITY_FLOOR,
  poolAdjacentViolators,
} from './calibration.js';

describe('poolAdjacentViolators', () => {
  it('solves the textbook example (Barlow et al. 1972; as in every PAV tutorial)', () => {
    // y = 1, 3, 2, 4, 3, 5 at x = 1..6: the violators (3, 2) and (4, 3) pool to 2.5 and 3.5
    const r = poolAdjacentViolators([1, 2, 3, 4, 5, 6], [1, 3, 2, 4, 3, 5]);
    expect(r.values).toEqual([1, 2.5, 3.5, 5]);
    expect(r.xMin).toEqual([1, 2, 4, 6]);
    expect(r.xMax).toEqual([1, 3, 5, 6]);
    expect(r.weights).toEqual([1, 2, 2, 1]);
  });

  it('pools a whole decreasing run into its mean, and cascades backwards', () => {
    expect(poolAdjacentViolators([1, 2, 3, 4], [4, 3, 2, 1]).values).toEqual([2.5]);
    // 0, 5, 6, 1: the last block pools with 6, then with 5 (mean 4), which stays above 0
    const r = poolAdjacentViolators([1, 2, 3, 4], [0, 5, 6, 1]);
    expect(r.values).toEqual([0, 4]);
    expect(r.weights).toEqual([1, 3]);
  });

  it('sorts by x, pools ties in x, and honours weights', () => {
    const r = poolAdjacentViolators([3, 1, 2, 2], [1, 0, 1, 0]);
    expect(r.xMin).toEqual([1, 2, 3]);
    expect(r.values).toEqual([0, 0.5, 1]);
    // weight 3 on the 0 at x = 2 pulls the pooled block (x 2..3) to (3·0 + 1·1) / 4
    const w = poolAdjacentViolators([1, 2, 3], [0.5, 0, 1], [1, 3, 1]);
    expect(w.values).toEqual([0.125, 1]);
  });

  it('leaves a non-decreasing sequence as it is', () => {
    expect(poolAdjacentViolators([1, 2, 3], [0.1, 0.2, 0.9]).values).toEqual([0.1, 0.2, 0.9]);
  });
});

describe('isotonic calibrator', () => {
  const cal = fitIsotonic([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0, 1, 0, 1, 1, 1]);

  it('holds the block values, interpolates between blocks, holds the ends', () => {
    // blocks: x 0.1 -> 0; x 0.2..0.3 -> 0.5; x 0.4..0.6 -> 1
    expect(applyCalibrator(cal, 0.25)).toBe(0.5);
    expect(applyCalibrator(cal, 0.35)).toBeCloseTo(0.75, 12);
    expect(applyCalibrator(cal, 0.15)).toBeCloseTo(0.25, 12);
    expect(applyCalibrator(cal, 0)).toBe(PROBABILITY_FLOOR);
    expect(applyCalibrator(cal, 0.99)).toBe(1 - PROBABILITY_FLOOR);
  });

  it('is non-decreasing in the score', () => {
    let last = 0;
    for (let s = 0; s <= 1; s += 0.01) {
      const p = applyCalibrator(cal, s);
      expect(p).toBeGreaterThanOrEqual(last);
      last = p;
    }
  });
});

describe('Platt scaling', () => {
  it('recovers the slope and intercept of data drawn from sigmoid(a·logit(s) + b)', () => {
    const rnd = mulberry32(7);
    const scores: number[] = [];
    const labels: number[] = [];
    const a = 0.6;
    const b = 0.3;
    for (let i = 0; i < 5_000; i++) {
      const s = 0.05 + 0.9 * rnd();
      const p = 1 / (1 + Math.exp(-(a * Math.log(s / (1 - s)) + b)));
      scores.push(s);
      labels.push(rnd() < p ? 1 : 0);
    }
    const cal = fitPlatt(scores, labels);
    expect(cal.a).toBeCloseTo(a, 1);
    expect(cal.b).toBeCloseTo(b, 1);
    expect(applyCalibrator(cal, 0.5)).toBeCloseTo(1 / (1 + Math.exp(-cal.b)), 12);
  });
});
