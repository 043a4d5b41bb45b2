import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../metrics/random.js';
import { fitLogistic } from './logistic.js';

describe('fitLogistic (ml-logistic-regression with our intercept and penalty)', () => {
  const rnd = mulberry32(11);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const a = rnd() * 2 - 1;
    const b = rnd() * 2 - 1;
    rows.push([a, b]);
    labels.push(rnd() < 1 / (1 + Math.exp(-(0.3 + 1.2 * a - 0.8 * b))) ? 1 : 0);
  }
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

  /** Gradient of the mean log-likelihood at the fit, minus λ·w: zero at the penalised optimum. */
  function stationarity(l2: number): { weights: readonly number[]; residual: number[] } {
    const fit = fitLogistic(rows, labels, { steps: 2000, l2 });
    const grad = [0, 0, 0];
    rows.forEach((r, i) => {
      const e = labels[i] - sigmoid(fit.intercept + r[0] * fit.weights[0] + r[1] * fit.weights[1]);
      grad[0] += (e * r[0]) / rows.length;
      grad[1] += (e * r[1]) / rows.length;
      grad[2] += e / rows.length;
    });
    return {
      weights: fit.weights,
      residual: [grad[0] - l2 * fit.weights[0], grad[1] - l2 * fit.weights[1], grad[2]],
    };
  }

  it('without a penalty recovers the generating coefficients', () => {
    const plain = stationarity(0);
    expect(plain.weights[0]).toBeCloseTo(1.2, 0);
    expect(plain.weights[1]).toBeCloseTo(-0.8, 0);
    for (const r of plain.residual) expect(Math.abs(r)).toBeLessThan(1e-4);
  });

  it('the pseudo-observations act as the ridge penalty (λ/2)·Σw² on the mean log-likelihood', () => {
    const mild = stationarity(0.05);
    const strong = stationarity(0.2);
    // the penalised score equations hold (to the log-cosh's departure from a quadratic)
    for (const r of mild.residual) expect(Math.abs(r)).toBeLessThan(2e-3);
    for (const r of strong.residual) expect(Math.abs(r)).toBeLessThan(2e-3);
    expect(Math.abs(strong.weights[0])).toBeLessThan(Math.abs(mild.weights[0]));
    expect(Math.abs(mild.weights[0])).toBeLessThan(1.2);
  });

  it('refuses one-class labels and a bad penalty', () => {
    expect(() => fitLogistic([[1], [2]], [1, 1])).toThrow(/both labels/);
    expect(() => fitLogistic(rows, labels, { l2: -1 })).toThrow(/l2/);
  });
});
