import { describe, expect, it } from 'vitest';
import {
  auc,
  brierScore,
  expectedCalibrationError,
  logLoss,
  maxCalibrationGap,
  reliabilityTable,
} from './scoring.js';

describe('probability scores', () => {
  it('log loss and Brier of hand-computed cases', () => {
    expect(logLoss([0.5, 0.5], [1, 0])).toBeCloseTo(Math.LN2, 15);
    expect(logLoss([0.8, 0.1], [1, 0])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.9)) / 2, 15);
    expect(brierScore([0.8, 0.1], [1, 0])).toBeCloseTo((0.04 + 0.01) / 2, 15);
    expect(Number.isFinite(logLoss([0, 1], [1, 0]))).toBe(true);
  });

  it('AUC: perfect, reversed, ties count one half, one class gives NaN', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // positives 0.4, 0.6; negatives 0.4, 0.2: pairs (0.4 vs 0.4) half, the other three won
    expect(auc([0.4, 0.6, 0.4, 0.2], [1, 1, 0, 0])).toBe(3.5 / 4);
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it('reliability buckets, the largest gap over buckets with enough samples, ECE', () => {
    const p = [0.05, 0.15, 0.15, 0.95, 1];
    const y = [0, 0, 1, 1, 1];
    const t = reliabilityTable(p, y);
    expect(t).toHaveLength(10);
    expect(t[1]).toMatchObject({ n: 2, realised: 0.5 });
    expect(t[1].predicted).toBeCloseTo(0.15, 15);
    expect(t[9]).toMatchObject({ n: 2, predicted: 0.975, realised: 1 });
    expect(t[5]).toMatchObject({ n: 0, predicted: null, realised: null });
    expect(maxCalibrationGap(t, 2)).toBeCloseTo(0.35, 12);
    expect(maxCalibrationGap(t, 3)).toBe(0);
    expect(expectedCalibrationError(t)).toBeCloseTo((0.05 + 2 * 0.35 + 2 * 0.025) / 5, 12);
  });
});
