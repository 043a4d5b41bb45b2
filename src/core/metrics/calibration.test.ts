import { describe, expect, it } from 'vitest';
import { trade } from '../../../test/support/trades.js';
import { calibration } from './calibration.js';

describe('calibration', () => {
  it('puts boundaries into the bucket they open; 1.0 into the last; others outside', () => {
    const confidences = [-0.01, 0.6, 0.69999, 0.7, 0.75, 0.8, 0.9, 1.0, 1.01];
    const wins = [true, true, false, true, true, false, true, true, true];
    const result = calibration(
      confidences.map((confidence, i) =>
        trade({ confidence, netR: wins[i] ? 1 : -1, returnPct: wins[i] ? 0.01 : -0.01 }),
      ),
      { minTrades: 2 },
    );
    expect(result.outside).toBe(2); // -0.01 and 1.01
    expect(result.buckets.map((b) => [b.lower, b.upper, b.trades]).slice(6)).toEqual([
      [0.6, 0.7, 2], // 0.6, 0.69999
      [0.7, 0.8, 2], // 0.7, 0.75
      [0.8, 0.9, 1], // 0.8
      [0.9, 1.0, 2], // 0.9, 1.0
    ]);
    const [low, mid, high, top] = result.buckets.slice(6);
    // [0.6, 0.7): one win in two, mean confidence (0.6 + 0.69999) / 2 = 0.649995, gap 0.5 - 0.649995
    expect(low.winRate).toEqual({ value: 0.5, n: 2, reliable: true });
    expect(low.meanConfidence.value).toBeCloseTo(0.649995, 12);
    expect(low.gap.value).toBeCloseTo(-0.149995, 12);
    // [0.7, 0.8): both win, mean 0.725
    expect(mid.winRate.value).toBe(1);
    expect(mid.meanConfidence.value).toBeCloseTo(0.725, 12);
    // [0.8, 0.9): the one trade lost
    expect(high.winRate).toEqual({ value: 0, n: 1, reliable: false });
    expect(top.meanConfidence.value).toBeCloseTo(0.95, 12);
  });

  it('empty buckets have null values and n 0', () => {
    const result = calibration([]);
    expect(result.minTrades).toBe(30);
    for (const bucket of result.buckets) {
      expect(bucket.trades).toBe(0);
      expect(bucket.winRate).toEqual({ value: null, n: 0, reliable: false });
      expect(bucket.meanConfidence.value).toBeNull();
      expect(bucket.gap.value).toBeNull();
    }
  });

  it('sums of tenths that land on a boundary go up, not down', () => {
    // 0.1 * 7 = 0.7000000000000001 and 0.6 + 0.1 = 0.7: both in [0.7, 0.8)
    const result = calibration(
      [0.1 * 7, 0.6 + 0.1].map((confidence) => trade({ confidence, netR: 1, returnPct: 0.01 })),
    );
    expect(result.buckets[7].trades).toBe(2);
  });

  it('Brier score and log loss over the trades with a confidence in [0, 1]', () => {
    const result = calibration([
      trade({ confidence: 0.8, netR: 1 }),
      trade({ confidence: 0.8, netR: -1 }),
      trade({ confidence: 0.2, netR: -1 }),
    ]);
    // (0.2² + 0.8² + 0.2²) / 3 = 0.24
    expect(result.brier.value).toBeCloseTo(0.24, 12);
    expect(result.brier.n).toBe(3);
    // −(ln 0.8 + ln 0.2 + ln 0.8) / 3
    expect(result.logLoss.value).toBeCloseTo(-(Math.log(0.8) * 2 + Math.log(0.2)) / 3, 12);
  });
});
